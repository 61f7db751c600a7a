// pieces_dll.cpp -- a test DLL linked with ONLY the runtime pieces of native/winaot (the way WinAot.targets links
// connect_bridge.dll, without the .NET objects), so that each piece is checked on its own by pieces_test.c:
// C and C++ initializers (.CRT$XI*, .CRT$XC*), a TLS callback (.CRT$XL*), a thread_local with a dynamic
// initializer (__dyn_tls_init / __dyn_tls_on_demand_init / __tls_guard), atexit at unload, the stack cookie, chkstk.
// Built with clang --target=<arch>-pc-windows-msvc -nostdinc (no headers: the few declarations are below).
typedef __UINTPTR_TYPE__ uintptr_t;
#define EXPORT extern "C" __declspec(dllexport)
#define WINAPI __stdcall
typedef int (__cdecl *PIFV)(void);
typedef void (__cdecl *PVFV)(void);
typedef void (WINAPI *TLS_CALLBACK)(void *, unsigned long, void *);
extern "C" int __cdecl atexit(PVFV);
extern "C" uintptr_t __security_cookie;
#ifdef _WIN64
extern "C" void __cdecl __security_check_cookie(uintptr_t);
#else
extern "C" void __fastcall __security_check_cookie(uintptr_t);
#endif

static int c_initializer_runs, cpp_initializer_runs, process_attach_callbacks, thread_attach_callbacks;
static int thread_local_inits;
static int *atexit_flag; // the test program's memory: still there after FreeLibrary

static int __cdecl c_initializer() { c_initializer_runs++; return 0; }
static void __cdecl on_unload() { if (atexit_flag) *atexit_flag = 1; }
#pragma section(".CRT$XIU", long, read)
__declspec(allocate(".CRT$XIU")) PIFV c_initializer_entry = c_initializer;

struct Registers { Registers() { cpp_initializer_runs++; atexit(on_unload); } };
static Registers registers; // a C++ static constructor (.CRT$XCU)

static void WINAPI tls_callback(void *, unsigned long reason, void *)
{
    if (reason == 1) process_attach_callbacks++;
    if (reason == 2) thread_attach_callbacks++;
}
#pragma section(".CRT$XLB", long, read)
__declspec(allocate(".CRT$XLB")) TLS_CALLBACK tls_callback_entry = tls_callback;

static int next_value() { return 1000 + ++thread_local_inits; }
thread_local int per_thread = next_value(); // dynamic: __tls_guard + __dyn_tls_on_demand_init

extern "C" int WINAPI DllMain(void *, unsigned long, void *) { return 1; } // what the runtime's DllMain stands in for

EXPORT uintptr_t cookie() { return __security_cookie; }
EXPORT int c_initializers() { return c_initializer_runs; }
EXPORT int cpp_initializers() { return cpp_initializer_runs; }
EXPORT int tls_process_attach() { return process_attach_callbacks; }
EXPORT int tls_thread_attach() { return thread_attach_callbacks; }
EXPORT int thread_value() { return per_thread; }
EXPORT int thread_local_initializations() { return thread_local_inits; }
EXPORT void set_atexit_flag(int *flag) { atexit_flag = flag; }
EXPORT void check_cookie(uintptr_t value) { __security_check_cookie(value); } // a wrong value ends the process
EXPORT int big_frame(int n) // 64 KiB of locals: the prologue calls __chkstk, which must probe page by page
{
    volatile char buffer[65536];
    for (int i = 0; i < (int)sizeof buffer; i += 4096) buffer[i] = (char)(i + n);
    return buffer[4096 * (n & 15)];
}
