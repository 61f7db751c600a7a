/* The TLS directory and thread_local dynamic initialization, which MSVC's static runtime supplies (tlssup.cpp,
 * tlsdyn.cpp). The runtime's objects keep thread-local data in .tls$ sections and reach it through _tls_index;
 * without a TLS directory (_tls_used, which the linker turns into the image's TLS data directory) Windows would give
 * the module no TLS slot and every thread-local access would read another module's data. */
#include "winaot.h"

typedef void (WINAPI *PIMAGE_TLS_CALLBACK)(PVOID instance, DWORD reason, PVOID reserved);

/* Bounds of the TLS template: the linker sorts .tls, .tls$<anything>, .tls$ZZZ by name. */
#pragma section(".tls", long, read, write)
#pragma section(".tls$ZZZ", long, read, write)
IN_SECTION(".tls") char _tls_start = 0;
IN_SECTION(".tls$ZZZ") char _tls_end = 0;

/* Bounds of the TLS callback list (null-terminated; .CRT$XLB..XLY hold the callbacks). */
IN_SECTION(".CRT$XLA") PIMAGE_TLS_CALLBACK __xl_a = 0;
IN_SECTION(".CRT$XLZ") PIMAGE_TLS_CALLBACK __xl_z = 0;

/* Filled by the loader with the module's TLS slot. */
DWORD _tls_index = 0;

typedef struct {
    uintptr_t StartAddressOfRawData, EndAddressOfRawData, AddressOfIndex, AddressOfCallBacks;
    DWORD SizeOfZeroFill, Characteristics;
} IMAGE_TLS_DIRECTORY;

IN_SECTION(".rdata$T") const IMAGE_TLS_DIRECTORY _tls_used = {
    (uintptr_t)&_tls_start, (uintptr_t)&_tls_end, (uintptr_t)&_tls_index, (uintptr_t)(&__xl_a + 1), 0, 0,
};

/* thread_local variables with dynamic initializers: the compiler puts the initializers in .CRT$XDU and, on each
 * access, calls __dyn_tls_on_demand_init when this thread's __tls_guard is still false (threads that existed before
 * the DLL was loaded get no DLL_THREAD_ATTACH). */
IN_SECTION(".CRT$XDA") _PVFV __xd_a = 0;
IN_SECTION(".CRT$XDZ") _PVFV __xd_z = 0;
__declspec(thread) _Bool __tls_guard = 0;

static void run_thread_initializers(void)
{
    if (__tls_guard)
        return;
    __tls_guard = 1;
    for (_PVFV *f = &__xd_a + 1; f != &__xd_z; ++f)
        if (*f)
            (*f)();
}

/* A TLS callback for threads started after the load; _DllMainCRTStartup calls it for the loading thread, after the
 * C++ static constructors (a TLS callback with DLL_PROCESS_ATTACH would run before them). */
void WINAPI __dyn_tls_init(PVOID instance, DWORD reason, LPVOID reserved)
{
    (void)instance, (void)reserved;
    if (reason == DLL_THREAD_ATTACH)
        run_thread_initializers();
}

void __cdecl __dyn_tls_on_demand_init(void)
{
    run_thread_initializers();
}

IN_SECTION(".CRT$XLC") const PIMAGE_TLS_CALLBACK __dyn_tls_init_callback = __dyn_tls_init;
