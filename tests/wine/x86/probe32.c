/* The 32-bit x86 probe of tests/wine/x86.sh: a static i386 program, no libc, that prints the machine name uname(2)
 * gives it and exits 0. Whether it starts at all says whether this kernel can execute 32-bit x86 code (directly or
 * through a binfmt_misc emulator); what it prints says which: a 64-bit kernel running it natively answers "x86_64",
 * qemu-user answers "i686". Built with gcc -m32 -ffreestanding -nostdlib -static (no i386 headers or libraries). */
struct utsname_ {
    char field[6][65];
};

static long syscall3(long number, long a, long b, long c) {
    long result;
    __asm__ volatile("int $0x80" : "=a"(result) : "a"(number), "b"(a), "c"(b), "d"(c) : "memory");
    return result;
}

enum { SYS_exit_ = 1, SYS_write_ = 4, SYS_uname_ = 122 };

__attribute__((noreturn, used)) void _start(void) {
    struct utsname_ u;
    long n = 0;
    if (syscall3(SYS_uname_, (long)&u, 0, 0) == 0) {
        while (n < 64 && u.field[4][n]) n++;
        u.field[4][n] = '\n';
        syscall3(SYS_write_, 1, (long)u.field[4], n + 1);
    }
    for (;;) syscall3(SYS_exit_, n ? 0 : 1, 0, 0);
}
