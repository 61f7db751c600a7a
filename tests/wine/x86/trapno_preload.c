/* Trap-number preload for 32-bit Wine under qemu-user (tests/wine/x86.sh builds and loads it).
 *
 * Why: qemu-user delivers every guest fault with ucontext gregs[REG_TRAPNO] = -1. Wine's i386 signal handler
 * decides what a fault is from that trap number, so every access violation becomes "illegal instruction"
 * (c000001d), and the x86 .NET runtime, which takes access violations on purpose, dies at start. This library
 * wraps sigaction(): for the fault signals it installs a trampoline that fills an out-of-range trap number in from
 * the signal number and si_code (the values a real kernel would have put there), then calls the handler Wine gave.
 * Nothing else changes; a process that never faults never sees it.
 *
 * Built freestanding, without i386 development headers (they are not on the machine):
 *   gcc -m32 -shared -fPIC -nostdlib -ffreestanding -o trapno.so trapno_preload.c /lib/i386-linux-gnu/libc.so.6
 * and as a no-op 64-bit twin (the same file without -m32), so that LD_PRELOAD='<dir>/$LIB/trapno.so' (a literal
 * $LIB, expanded by ld.so per process) loads the right one in 32-bit and 64-bit processes alike.
 */
#if defined(__i386__)

#define NSIG_ 65
#define SIG_DFL_ ((void *)0)
#define SIG_IGN_ ((void *)1)
#define SA_SIGINFO_ 4
#define SI_KERNEL_ 0x80

/* glibc i386 layouts (asm-generic + sysdeps/unix/sysv/linux/x86/sys/ucontext.h). */
struct sigaction_ {
    void *handler; /* sa_handler or sa_sigaction */
    unsigned long mask[32];
    int flags;
    void (*restorer)(void);
};
struct siginfo_ {
    int signo, errno_, code;
};
struct ucontext_ {
    unsigned long flags;
    void *link;
    void *stack_sp;
    int stack_flags;
    unsigned long stack_size;
    int gregs[19]; /* mcontext_t.gregs */
};
enum { REG_TRAPNO_ = 12, REG_ERR_ = 13, REG_EIP_ = 14, SIGILL_ = 4, SIGTRAP_ = 5, SIGBUS_ = 7, SIGFPE_ = 8, SIGSEGV_ = 11 };

extern void *dlsym(void *handle, const char *name);
#define RTLD_NEXT_ ((void *)-1l)

typedef int (*sigaction_fn)(int, const struct sigaction_ *, struct sigaction_ *);
static sigaction_fn real_sigaction;
static struct sigaction_ installed[NSIG_]; /* what the program asked for, per wrapped signal */
static volatile int wrapped[NSIG_];

static int is_fault_signal(int sig) {
    return sig == SIGSEGV_ || sig == SIGBUS_ || sig == SIGILL_ || sig == SIGFPE_ || sig == SIGTRAP_;
}

/* The x86 exception vector a kernel reports for this signal (Intel SDM numbering). */
static int trap_number(int sig, int code) {
    switch (sig) {
    case SIGSEGV_: return code == SI_KERNEL_ ? 13 : 14;                 /* #GP : #PF */
    case SIGBUS_: return code == SI_KERNEL_ ? 11 : 14;                  /* #NP : #PF */
    case SIGILL_: return 6;                                             /* #UD */
    case SIGFPE_: return code == 1 ? 0 : code == 2 ? 4 : 16;            /* FPE_INTDIV #DE, FPE_INTOVF #OF, #MF */
    default: return code == 2 ? 1 : 3;                                  /* SIGTRAP: TRAP_TRACE #DB, else #BP */
    }
}

/* A #GP from "int imm8" (a gate user mode may not use, e.g. __fastfail's int 0x29): the error code a kernel reports
 * is the vector's IDT selector, (vector << 3) | 2. Wine reads the vector from it (STATUS_STACK_BUFFER_OVERRUN for
 * 0x29); qemu's frame does not carry it. Its EIP is at the instruction or just after it; only bytes of that page
 * are read. */
static int software_interrupt_error(unsigned long eip) {
    const unsigned char *at = (const unsigned char *)eip;
    if (at[0] == 0xCD) return (at[1] << 3) | 2;
    if ((eip & 0xfff) >= 2 && at[-2] == 0xCD) return (at[-1] << 3) | 2;
    return 0;
}

static void trampoline(int sig, struct siginfo_ *info, void *context) {
    struct ucontext_ *uc = context;
    if (uc && (uc->gregs[REG_TRAPNO_] < 0 || uc->gregs[REG_TRAPNO_] > 31)) { /* qemu's frame, not a kernel's */
        int code = info ? info->code : 0;
        uc->gregs[REG_TRAPNO_] = trap_number(sig, code);
        int err = sig == SIGSEGV_ && code == SI_KERNEL_ ? software_interrupt_error((unsigned long)uc->gregs[REG_EIP_]) : 0;
        if (err) uc->gregs[REG_ERR_] = err;
    }
    const struct sigaction_ *act = &installed[sig];
    if (act->flags & SA_SIGINFO_)
        ((void (*)(int, struct siginfo_ *, void *))act->handler)(sig, info, context);
    else
        ((void (*)(int))act->handler)(sig);
}

int sigaction(int sig, const struct sigaction_ *act, struct sigaction_ *old) {
    if (!real_sigaction) real_sigaction = (sigaction_fn)dlsym(RTLD_NEXT_, "sigaction");
    if (!real_sigaction) return -1;
    if (sig <= 0 || sig >= NSIG_ || !is_fault_signal(sig)) return real_sigaction(sig, act, old);

    struct sigaction_ previous = installed[sig];
    int was_wrapped = wrapped[sig];
    int rc;
    if (act && act->handler != SIG_DFL_ && act->handler != SIG_IGN_) {
        struct sigaction_ mine = *act;
        mine.handler = (void *)trampoline;
        mine.flags |= SA_SIGINFO_;
        installed[sig] = *act;
        wrapped[sig] = 1;
        rc = real_sigaction(sig, &mine, old);
        if (rc != 0) {
            installed[sig] = previous;
            wrapped[sig] = was_wrapped;
        }
    } else {
        rc = real_sigaction(sig, act, old);
        if (act && rc == 0) wrapped[sig] = 0;
    }
    if (rc == 0 && old && was_wrapped && old->handler == (void *)trampoline) *old = previous; /* callers see their own */
    return rc;
}

#else
/* The 64-bit twin: nothing to do (64-bit processes run natively). */
int connect_bridge_trapno_preload_noop;
#endif
