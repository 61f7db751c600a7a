/* The few Windows and Universal CRT declarations the runtime pieces in this folder need. They are compiled with
 * clang --target=<arch>-pc-windows-msvc -nostdinc (no Windows SDK on a Linux build machine, and mingw's headers are
 * written for mingw's own runtime), so the declarations are spelled out here, as the SDK and the UCRT declare them. */
#pragma once
typedef unsigned char BYTE;
typedef unsigned short WORD;
typedef unsigned long DWORD;                 /* 4 bytes under the MSVC ABI, also on x64 */
typedef int BOOL;
typedef void *HANDLE, *PVOID, *LPVOID, *HINSTANCE;
typedef __UINTPTR_TYPE__ uintptr_t;
typedef __INTPTR_TYPE__ intptr_t;
typedef __SIZE_TYPE__ size_t;
typedef unsigned long long ULONGLONG;
typedef long long LONGLONG;
#define WINAPI __stdcall
#define DLL_PROCESS_ATTACH 1
#define DLL_THREAD_ATTACH 2
#define DLL_THREAD_DETACH 3
#define DLL_PROCESS_DETACH 0
#define IMPORT __declspec(dllimport)

IMPORT void WINAPI GetSystemTimeAsFileTime(ULONGLONG *time);
IMPORT DWORD WINAPI GetCurrentThreadId(void);
IMPORT DWORD WINAPI GetCurrentProcessId(void);
IMPORT BOOL WINAPI QueryPerformanceCounter(LONGLONG *count);

/* UCRT (api-ms-win-crt-runtime): the initializer loops and the onexit tables MSVC's own startup code uses. */
typedef void (__cdecl *_PVFV)(void);
typedef int (__cdecl *_PIFV)(void);
typedef struct _onexit_table_t { _PVFV *_first, *_last, *_end; } _onexit_table_t;
IMPORT void __cdecl _initterm(_PVFV *first, _PVFV *last);
IMPORT int __cdecl _initterm_e(_PIFV *first, _PIFV *last);
IMPORT int __cdecl _initialize_onexit_table(_onexit_table_t *table);
IMPORT int __cdecl _register_onexit_function(_onexit_table_t *table, _PVFV function);
IMPORT int __cdecl _execute_onexit_table(_onexit_table_t *table);
IMPORT void *__cdecl malloc(size_t size);
IMPORT void __cdecl free(void *block);

/* Sections MSVC's linker and loader give meaning to. Read-only, as in MSVC's sections.h. */
#pragma section(".CRT$XIA", long, read)
#pragma section(".CRT$XIZ", long, read)
#pragma section(".CRT$XCA", long, read)
#pragma section(".CRT$XCZ", long, read)
#pragma section(".CRT$XDA", long, read)
#pragma section(".CRT$XDZ", long, read)
#pragma section(".CRT$XLA", long, read)
#pragma section(".CRT$XLC", long, read)
#pragma section(".CRT$XLZ", long, read)
#pragma section(".rdata$T", long, read)
#pragma section(".00cfg", long, read)
#define IN_SECTION(name) __declspec(allocate(name))

/* __fastfail codes (winnt.h): the process ends at once, no handler runs, Windows Error Reporting sees the code. */
#define FAST_FAIL_STACK_COOKIE_CHECK_FAILURE 2
#define FAST_FAIL_RANGE_CHECK_FAILURE 8
void __fastfail(unsigned int code); /* a compiler builtin (int 0x29) */
