/* The /GS stack cookie, which MSVC's static runtime supplies (gs_cookie.c, gs_support.c, gs_report.c,
 * gshandler.cpp, and on x86 the SEH handler that checks it). Functions of the runtime compiled with /GS store
 * __security_cookie XOR their frame in their frame and check it before returning; a cookie that never changes from
 * its link-time value would be known to an attacker, so it is made random per load. */
#include "winaot.h"

#ifdef _WIN64
#define DEFAULT_COOKIE ((uintptr_t)0x00002B992DDFA232ull)
#else
#define DEFAULT_COOKIE ((uintptr_t)0xBB40E64Eu)
#endif

/* Found by the loader through the load-config directory (loadconfig.c): Windows 8+ (and Wine) replace the default
 * value with a random one before the entry point runs; __security_init_cookie covers loaders that do not. */
uintptr_t __security_cookie = DEFAULT_COOKIE;
uintptr_t __security_cookie_complement = ~DEFAULT_COOKIE;

void __cdecl __security_init_cookie(void)
{
    uintptr_t cookie = __security_cookie;
    if (cookie == DEFAULT_COOKIE || cookie == 0) {
        /* MSVC's mix: time, thread and process ids, the performance counter and a stack address (ASLR). */
        ULONGLONG time = 0;
        LONGLONG counter = 0;
        GetSystemTimeAsFileTime(&time);
        QueryPerformanceCounter(&counter);
        cookie = (uintptr_t)time ^ (uintptr_t)(time >> 32) ^ GetCurrentThreadId() ^ GetCurrentProcessId() ^
                 (uintptr_t)counter ^ ((uintptr_t)(counter >> 16) << 16) ^ (uintptr_t)&cookie;
#ifdef _WIN64
        cookie &= 0x0000FFFFFFFFFFFFull; /* the top 16 bits stay zero, as MSVC's: a string overrun cannot forge it */
#endif
        if (cookie == DEFAULT_COOKIE || cookie == 0)
            cookie = DEFAULT_COOKIE + 1;
        __security_cookie = cookie;
    }
    __security_cookie_complement = ~cookie;
}

/* A mismatch means the stack was overwritten: end the process at once, as MSVC's __report_gsfailure does. */
__declspec(noreturn) void __cdecl __report_gsfailure(void)
{
    __fastfail(FAST_FAIL_STACK_COOKIE_CHECK_FAILURE);
}

__declspec(noreturn) void __cdecl __report_rangecheckfailure(void)
{
    __fastfail(FAST_FAIL_RANGE_CHECK_FAILURE);
}

#ifdef _WIN64
void __cdecl __security_check_cookie(uintptr_t cookie)
#else
void __fastcall __security_check_cookie(uintptr_t cookie) /* @__security_check_cookie@4: cookie in ECX */
#endif
{
    if (cookie != __security_cookie)
        __report_gsfailure();
}

#ifdef _WIN64
/* __GSHandlerCheck: the language-specific handler MSVC names in the unwind data of a /GS function that has no
 * exception handler of its own. Before the exception dispatcher lets such a frame take part in dispatch or unwind,
 * it checks that frame's cookie, so a corrupted frame ends the process instead of being unwound through. The
 * frame's GS data (the handler data) says where the cookie is; the cookie was XORed with the frame pointer, which is
 * the establisher frame plus the unwind info's frame offset when a frame register is used. */
typedef struct {
    DWORD BeginAddress, EndAddress, UnwindData;
} RUNTIME_FUNCTION;
typedef struct {
    uintptr_t ControlPc, ImageBase;
    RUNTIME_FUNCTION *FunctionEntry;
    uintptr_t EstablisherFrame, TargetIp;
    void *ContextRecord, *LanguageHandler, *HandlerData;
} DISPATCHER_CONTEXT;
typedef struct {
    BYTE VersionAndFlags, SizeOfProlog, CountOfCodes, FrameRegisterAndOffset;
} UNWIND_INFO_HEADER;
typedef struct {
    long CookieOffsetAndFlags; /* bit 2: the frame base is aligned (the next two fields apply) */
    long AlignedBaseOffset, Alignment;
} GS_HANDLER_DATA;

void __GSHandlerCheckCommon(uintptr_t establisher_frame, DISPATCHER_CONTEXT *dispatcher, const GS_HANDLER_DATA *gs)
{
    uintptr_t frame_base = establisher_frame;
    long cookie_offset = gs->CookieOffsetAndFlags & ~7L;
    if (gs->CookieOffsetAndFlags & 4)
        frame_base = (establisher_frame + gs->AlignedBaseOffset) & (uintptr_t)-(intptr_t)gs->Alignment;
    const UNWIND_INFO_HEADER *unwind =
        (const UNWIND_INFO_HEADER *)(dispatcher->ImageBase + dispatcher->FunctionEntry->UnwindData);
    uintptr_t xor_value = establisher_frame;
    if (unwind->FrameRegisterAndOffset & 0x0F)
        xor_value += (uintptr_t)(unwind->FrameRegisterAndOffset & 0xF0);
    __security_check_cookie(*(uintptr_t *)(frame_base + cookie_offset) ^ xor_value);
}

#define ExceptionContinueSearch 1
int __cdecl __GSHandlerCheck(void *exception_record, uintptr_t establisher_frame, void *context,
                             DISPATCHER_CONTEXT *dispatcher)
{
    (void)exception_record, (void)context;
    __GSHandlerCheckCommon(establisher_frame, dispatcher, (const GS_HANDLER_DATA *)dispatcher->HandlerData);
    return ExceptionContinueSearch;
}
#else
/* __except_handler4: the SEH frame handler of x86 functions with __try, which checks the frame's GS cookie and the
 * scope table's encoded cookie; the work is the UCRT's _except_handler4_common, given our cookie and checker. */
IMPORT int __cdecl _except_handler4_common(uintptr_t *cookie, void(__fastcall *check)(uintptr_t), void *record,
                                           void *frame, void *context, void *dispatcher);
int __cdecl _except_handler4(void *record, void *frame, void *context, void *dispatcher)
{
    return _except_handler4_common(&__security_cookie, __security_check_cookie, record, frame, context, dispatcher);
}
#endif
