/*
 * pieces_test.c -- checks the runtime pieces of native/winaot through pieces_dll.dll (see pieces_dll.cpp), under
 * Wine, both bitnesses. Usage: pieces_test.exe <path of pieces_dll.dll> [gsfail]
 *   default: cookie random per load (not the link-time default, different after a reload), the C and C++
 *            initializers ran once, TLS callbacks for the process and for a new thread, the thread_local's dynamic
 *            initializer once per thread, chkstk on a 64 KiB frame, atexit run at FreeLibrary;
 *   gsfail:  calls the cookie check with a wrong value: the process must end at once (the calling script checks the
 *            exit status 0xC0000409, STATUS_STACK_BUFFER_OVERRUN, and that "survived" is never printed).
 * Prints "PASS ..."/"FAIL ..." lines and ends with "N passed, N failed".
 */
#include <windows.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int passed, failed;
static void check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "PASS" : "FAIL", what);
    if (ok) passed++; else failed++;
}
typedef uintptr_t (*fn_cookie)(void);
typedef int (*fn_int)(void);
typedef int (*fn_int_int)(int);
typedef void (*fn_flag)(int *);
typedef void (*fn_check)(uintptr_t);
#define GET(h, type, name) ((type)(void (*)(void))GetProcAddress(h, name))
#ifdef _WIN64
#define DEFAULT_COOKIE ((uintptr_t)0x00002B992DDFA232ull)
#else
#define DEFAULT_COOKIE ((uintptr_t)0xBB40E64Eu)
#endif

static HMODULE dll;
static DWORD WINAPI thread_main(LPVOID out)
{
    ((int *)out)[0] = GET(dll, fn_int, "thread_value")();
    ((int *)out)[1] = GET(dll, fn_int, "thread_value")();
    return 0;
}

int main(int argc, char **argv)
{
    char what[200];
    dll = LoadLibraryA(argv[1]);
    check(dll != NULL, "LoadLibrary(pieces_dll.dll)");
    if (!dll) { printf("%d passed, %d failed\n", passed, failed); return 1; }
    if (argc > 2 && strcmp(argv[2], "gsfail") == 0) {
        GET(dll, fn_check, "check_cookie")(GET(dll, fn_cookie, "cookie")() ^ 1);
        printf("survived\n");
        return 0;
    }
    uintptr_t first = GET(dll, fn_cookie, "cookie")();
    snprintf(what, sizeof what, "stack cookie set at load: not 0, not the link-time default (%p)", (void *)first);
    check(first != 0 && first != DEFAULT_COOKIE, what);
    GET(dll, fn_check, "check_cookie")(first);
    check(1, "the cookie check accepts the right value");
    check(GET(dll, fn_int, "c_initializers")() == 1, "the C initializer (.CRT$XIU) ran once");
    check(GET(dll, fn_int, "cpp_initializers")() == 1, "the C++ static constructor (.CRT$XCU) ran once");
    check(GET(dll, fn_int, "tls_process_attach")() == 1, "the TLS callback (.CRT$XLB) ran for the process attach");
    int before = GET(dll, fn_int, "thread_local_initializations")();
    int mine = GET(dll, fn_int, "thread_value")();
    check(mine > 1000 && GET(dll, fn_int, "thread_value")() == mine, "this thread's thread_local initialized, once");
    int values[2] = {0, 0};
    HANDLE t = CreateThread(NULL, 0, thread_main, values, 0, NULL);
    WaitForSingleObject(t, 30000);
    CloseHandle(t);
    check(GET(dll, fn_int, "tls_thread_attach")() >= 1, "the TLS callback ran for a new thread");
    check(values[0] > 1000 && values[0] != mine && values[1] == values[0],
          "a new thread's thread_local got its own value from the dynamic initializer, once");
    check(GET(dll, fn_int, "thread_local_initializations")() == before + 1 || before == 0,
          "one more dynamic initialization for the new thread");
    check(GET(dll, fn_int_int, "big_frame")(3) == (char)(4096 * 3 + 3), "a 64 KiB frame (chkstk probes) works");
    int unloaded = 0;
    GET(dll, fn_flag, "set_atexit_flag")(&unloaded);
    check(unloaded == 0, "atexit function not run while loaded");
    FreeLibrary(dll);
    check(unloaded == 1, "atexit function ran at FreeLibrary");
    dll = LoadLibraryA(argv[1]);
    uintptr_t second = dll ? GET(dll, fn_cookie, "cookie")() : 0;
    snprintf(what, sizeof what, "a reload gives another random cookie (%p, then %p)", (void *)first, (void *)second);
    check(second != 0 && second != DEFAULT_COOKIE && second != first, what);
    check(dll && GET(dll, fn_int, "c_initializers")() == 1, "the initializers ran again, once, after the reload");
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
