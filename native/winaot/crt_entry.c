/* _DllMainCRTStartup: the DLL's entry point, which MSVC's static runtime (vcruntime's dll_dllmain.cpp) supplies
 * and the NativeAOT objects name. Without it nothing below would run: the stack cookie would keep its link-time
 * value, the runtime's C++ static constructors (.CRT$XCU) would never run and the runtime's DllMain would not be
 * called. Order as MSVC's: cookie, C initializers (.CRT$XI*), C++ initializers (.CRT$XC*), the dynamic
 * thread_local initializers of the loading thread (tls.c), then DllMain; at unload DllMain first, then the
 * module's atexit functions in reverse order. */
#include "winaot.h"

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved); /* the runtime's, in dllmain.obj */
void __cdecl __security_init_cookie(void);                                 /* gs.c */
void WINAPI __dyn_tls_init(PVOID instance, DWORD reason, LPVOID reserved); /* tls.c */

IN_SECTION(".CRT$XIA") _PIFV __xi_a[] = {0};
IN_SECTION(".CRT$XIZ") _PIFV __xi_z[] = {0};
IN_SECTION(".CRT$XCA") _PVFV __xc_a[] = {0};
IN_SECTION(".CRT$XCZ") _PVFV __xc_z[] = {0};

/* Floating-point code in the objects names _fltused so that a CRT with FP support is linked; only its presence
 * matters (MSVC's value). */
int _fltused = 0x9875;

/* atexit in a DLL registers with the DLL's own table, run when the DLL unloads (MSVC's module-local table), not at
 * process exit with the host's: the UCRT's onexit-table functions are thread-safe and do the bookkeeping. */
static _onexit_table_t module_atexit_table;

int __cdecl atexit(_PVFV function)
{
    return _register_onexit_function(&module_atexit_table, function) == 0 ? 0 : -1;
}

static int initialized;

BOOL WINAPI _DllMainCRTStartup(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    if (reason == DLL_PROCESS_ATTACH) {
        __security_init_cookie();
        if (_initialize_onexit_table(&module_atexit_table) != 0 || _initterm_e(__xi_a, __xi_z) != 0)
            return 0;
        _initterm(__xc_a, __xc_z);
        __dyn_tls_init(instance, DLL_THREAD_ATTACH, reserved);
        initialized = 1;
        if (!DllMain(instance, reason, reserved)) {
            _execute_onexit_table(&module_atexit_table);
            initialized = 0;
            return 0;
        }
        return 1;
    }
    if (!initialized)
        return reason != DLL_PROCESS_DETACH ? 0 : 1;
    BOOL result = DllMain(instance, reason, reserved);
    if (reason == DLL_PROCESS_DETACH) {
        _execute_onexit_table(&module_atexit_table);
        initialized = 0;
    }
    return result;
}
