/*
** shim.c -- connect_bridge.dll for Windows (x86 and x64), built with mingw: DNNE's design, written by us.
**
** Every function of connect_bridge.h is exported here with the header's signature and convention
** (__stdcall, undecorated, on x86). On first use the shim starts the .NET 10 runtime of its bitness once
** (nethost -> hostfxr -> load_assembly_and_get_function_pointer) and forwards each call to the
** [UnmanagedCallersOnly] method of the managed assembly beside it (Connect.Bridge.Native.dll: the same sources
** as the NativeAOT library), or, when the shim was copied alone (1C's component cache), in CONNECT_BRIDGE_HOME or
** %ProgramFiles%\Connect.Bridge\win-<arch> (shim_find_home). The forwarding functions are generated (gen_exports.py -> exports.g.c).
**
** What lives here, because it must work without the runtime: the version (cb_version, cb_version_number), the
** texts saying what is missing and where it was looked for (Russian and English in one line: no sender
** language is known then), and the caller's FP state (saved, masked, restored around the start and every
** call: Delphi unmasks FP exceptions, and the runtime start runs before any managed guard).
**
** Build: see native/shim/build.sh.
*/
#define WIN32_LEAN_AND_MEAN
#define CB_NO_DLLIMPORT
#include <windows.h>
#include <stdint.h>
#include <stdio.h>
#include <wchar.h>

#include "connect_bridge.h"
#define CB_CDECL __cdecl /* for exports whose contract is the C convention on x86 too (the 1C add-in's) */
#include "addin_exports.h"
#include "nethost.h"
#include "hostfxr.h"
#include "coreclr_delegates.h"

#define SHIM_EXPORT __declspec(dllexport)

#ifndef CB_SHIM_VERSION
#  error "build with -DCB_SHIM_VERSION=\"x.y.z\" -DCB_SHIM_VERSION_NUMBER=n (native/shim/build.sh)"
#endif

#if defined(_WIN64)
#  define SHIM_ARCH L"x64"
#  define SHIM_BITS L"64"
#  define SHIM_ROOT_ENV L"DOTNET_ROOT_X64"
#else
#  define SHIM_ARCH L"x86"
#  define SHIM_BITS L"32"
#  define SHIM_ROOT_ENV L"DOTNET_ROOT_X86"
#endif

/* ---------------------------------------------------------------- FP state */

typedef struct shim_fp {
    unsigned char x87[28]; /* fnstenv image: control word, status word (flags), tags... */
    unsigned int mxcsr;
} shim_fp;

static void shim_fp_enter(shim_fp* fp)
{
    unsigned short cw;
    unsigned int mx;
    __asm__ volatile("fnstenv %0" : "=m"(fp->x87)); /* also masks x87 exceptions, as wanted */
    __asm__ volatile("stmxcsr %0" : "=m"(fp->mxcsr));
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    cw |= 0x3F;
    __asm__ volatile("fnclex\n\tfldcw %0" : : "m"(cw));
    mx = (fp->mxcsr | 0x1F80u) & ~0x3Fu; /* all masked, no flags pending */
    __asm__ volatile("ldmxcsr %0" : : "m"(mx));
}

static void shim_fp_leave(const shim_fp* fp)
{
    /* The caller's mask and flags come back; flags raised inside are dropped, nothing fires later. */
    __asm__ volatile("fnclex\n\tfldenv %0" : : "m"(fp->x87));
    __asm__ volatile("ldmxcsr %0" : : "m"(fp->mxcsr));
}

/* ---------------------------------------------------------------- version */

static const char* shim_version(void) { return CB_SHIM_VERSION; }
static int shim_version_number(void) { return CB_SHIM_VERSION_NUMBER; }

/* ---------------------------------------------------------------- texts */

#define SHIM_TEXT_MAX 2048
static wchar_t g_failure_w[SHIM_TEXT_MAX]; /* why the runtime could not start; set once inside the one-time start */
static char g_failure_a[SHIM_TEXT_MAX * 3];
static volatile LONG g_failed;
static __thread const wchar_t* t_text_w; /* the last failure of this thread that happened in the shim */
static __thread const char* t_text_a;
static __thread wchar_t t_missing_w[512];
static __thread char t_missing_a[1536];

static void to_utf8(const wchar_t* w, char* a, int size)
{
    if (WideCharToMultiByte(CP_UTF8, 0, w, -1, a, size, NULL, NULL) <= 0) a[0] = 0;
}

/* The shim's own failure text of this thread (NULL when the last call reached the managed code). */
static const wchar_t* shim_failure_text(void) { return g_failed ? g_failure_w : t_text_w; }
static void shim_forwarded(void) { t_text_w = NULL; t_text_a = NULL; }

/* Copies by the header's ERROR TEXT BUFFERS rules: size needed returned, no split sequence, NUL-terminated. */
static int shim_copy_text_a(char* buffer, int size)
{
    const char* text = g_failed ? g_failure_a : (t_text_a ? t_text_a : "");
    int need = (int)strlen(text) + 1, n = 0;
    if (size < 0 || (buffer == NULL && size > 0)) return CB_E_INVALID_ARGUMENT;
    if (size == 0) return need;
    while (text[n]) {
        unsigned char c = (unsigned char)text[n];
        int len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (n + len > size - 1) break;
        n += len;
    }
    memcpy(buffer, text, (size_t)n);
    buffer[n] = 0;
    return need;
}

static int shim_copy_text_w(uint16_t* buffer, int size)
{
    const wchar_t* text = g_failed ? g_failure_w : (t_text_w ? t_text_w : L"");
    int need = (int)wcslen(text) + 1, n = 0;
    if (size < 0 || (buffer == NULL && size > 0)) return CB_E_INVALID_ARGUMENT;
    if (size == 0) return need;
    while (text[n]) {
        int len = (text[n] >= 0xD800 && text[n] <= 0xDBFF && text[n + 1]) ? 2 : 1;
        if (n + len > size - 1) break;
        n += len;
    }
    memcpy(buffer, text, (size_t)n * 2);
    buffer[n] = 0;
    return need;
}

/* ---------------------------------------------------------------- runtime start */

typedef struct shim_slot {
    const wchar_t* method;
    const wchar_t* type_name;
    const wchar_t* assembly;
    const char* export_name;
    void* volatile fn;
} shim_slot;

typedef int (NETHOST_CALLTYPE* shim_get_hostfxr_path_fn)(char_t* buffer, size_t* buffer_size,
                                                         const struct get_hostfxr_parameters* parameters);

static INIT_ONCE g_once = INIT_ONCE_STATIC_INIT;
static wchar_t g_dir[MAX_PATH];
static load_assembly_and_get_function_pointer_fn g_load;
static wchar_t g_host_message[1024]; /* the last message hostfxr wrote while starting */

static void HOSTFXR_CALLTYPE shim_host_error(const char_t* message)
{
    lstrcpynW(g_host_message, message, (int)(sizeof g_host_message / sizeof g_host_message[0]));
}

static void shim_fail(const wchar_t* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _vsnwprintf(g_failure_w, SHIM_TEXT_MAX - 1, fmt, ap);
    va_end(ap);
    g_failure_w[SHIM_TEXT_MAX - 1] = 0;
    to_utf8(g_failure_w, g_failure_a, (int)sizeof g_failure_a);
    InterlockedExchange(&g_failed, 1);
}

static BOOL shim_file_missing(const wchar_t* file, wchar_t* path)
{
    _snwprintf(path, MAX_PATH, L"%ls\\%ls", g_dir, file);
    path[MAX_PATH - 1] = 0;
    if (GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES) return FALSE;
    shim_fail(L"connect_bridge.dll (" SHIM_ARCH L"): не найден файл %ls, он должен лежать рядом с Connect.Bridge.Native.dll"
              L" | connect_bridge.dll (" SHIM_ARCH L"): file %ls is missing; it must be next to Connect.Bridge.Native.dll",
              path, path);
    return TRUE;
}

static BOOL shim_has_assembly(const wchar_t* dir)
{
    wchar_t path[MAX_PATH];
    _snwprintf(path, MAX_PATH, L"%ls\\Connect.Bridge.Native.dll", dir);
    path[MAX_PATH - 1] = 0;
    return GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

/*
** The folder of the managed files. Beside the shim first (the bundle kept together). 1C:Enterprise copies a
** component's library alone from its ZIP or template into a cache folder of its own and loads it from there, so
** the shim then looks, in this order, in
**   %CONNECT_BRIDGE_HOME%\win-<arch>, %CONNECT_BRIDGE_HOME%   (the bundle unpacked anywhere; one variable for both bitnesses)
**   %ProgramFiles%\Connect.Bridge\win-<arch>                  (the documented install folder; a 32-bit process on
**                                                             64-bit Windows sees C:\Program Files (x86) here)
** and takes the first that holds Connect.Bridge.Native.dll. Sets g_dir; FALSE (with the text) when none does.
*/
static BOOL shim_find_home(const wchar_t* self_dir)
{
    wchar_t home[MAX_PATH] = L"", pf[MAX_PATH] = L"", candidates[4][MAX_PATH];
    int n = 0;
    lstrcpynW(candidates[n++], self_dir, MAX_PATH);
    DWORD len = GetEnvironmentVariableW(L"CONNECT_BRIDGE_HOME", home, MAX_PATH);
    if (len == 0 || len >= MAX_PATH) home[0] = 0;
    while (home[0] && (home[lstrlenW(home) - 1] == L'\\' || home[lstrlenW(home) - 1] == L'/')) home[lstrlenW(home) - 1] = 0;
    if (home[0]) {
        _snwprintf(candidates[n], MAX_PATH, L"%ls\\win-" SHIM_ARCH, home);
        candidates[n++][MAX_PATH - 1] = 0;
        lstrcpynW(candidates[n++], home, MAX_PATH);
    }
    len = GetEnvironmentVariableW(L"ProgramFiles", pf, MAX_PATH);
    if (len == 0 || len >= MAX_PATH) pf[0] = 0;
    if (pf[0]) {
        _snwprintf(candidates[n], MAX_PATH, L"%ls\\Connect.Bridge\\win-" SHIM_ARCH, pf);
        candidates[n++][MAX_PATH - 1] = 0;
    }
    for (int i = 0; i < n; i++) {
        if (shim_has_assembly(candidates[i])) {
            lstrcpynW(g_dir, candidates[i], MAX_PATH);
            return TRUE;
        }
    }
    shim_fail(L"connect_bridge.dll (" SHIM_ARCH L"): не найден файл %ls\\Connect.Bridge.Native.dll; положите все файлы комплекта"
              L" win-" SHIM_ARCH L" рядом с connect_bridge.dll, или в %ls\\Connect.Bridge\\win-" SHIM_ARCH L", или укажите папку"
              L" комплекта в переменной CONNECT_BRIDGE_HOME (сейчас: %ls) | connect_bridge.dll (" SHIM_ARCH L"): file"
              L" %ls\\Connect.Bridge.Native.dll is missing; keep every file of the win-" SHIM_ARCH L" bundle next to"
              L" connect_bridge.dll, or install them to %ls\\Connect.Bridge\\win-" SHIM_ARCH L", or set CONNECT_BRIDGE_HOME"
              L" to the bundle's folder (now: %ls)",
              self_dir, pf[0] ? pf : L"%ProgramFiles%", home[0] ? home : L"-",
              self_dir, pf[0] ? pf : L"%ProgramFiles%", home[0] ? home : L"-");
    return FALSE;
}

/* Where nethost looks for the runtime, as text for the failure message. */
static void shim_where(wchar_t* out, int size)
{
    wchar_t env[MAX_PATH] = L"", env_arch[MAX_PATH] = L"", reg[MAX_PATH] = L"", pf[MAX_PATH] = L"";
    DWORD n = sizeof reg;
    GetEnvironmentVariableW(L"DOTNET_ROOT", env, MAX_PATH);
    GetEnvironmentVariableW(SHIM_ROOT_ENV, env_arch, MAX_PATH);
    if (RegGetValueW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\dotnet\\Setup\\InstalledVersions\\" SHIM_ARCH, L"InstallLocation",
                     RRF_RT_REG_SZ | RRF_SUBKEY_WOW6432KEY, NULL, reg, &n) != ERROR_SUCCESS) reg[0] = 0;
#if defined(_WIN64)
    GetEnvironmentVariableW(L"ProgramFiles", pf, MAX_PATH);
#else
    if (!GetEnvironmentVariableW(L"ProgramFiles(x86)", pf, MAX_PATH)) GetEnvironmentVariableW(L"ProgramFiles", pf, MAX_PATH);
#endif
    _snwprintf(out, size, SHIM_ROOT_ENV L"=%ls; DOTNET_ROOT=%ls; HKLM\\SOFTWARE\\dotnet\\Setup\\InstalledVersions\\"
               SHIM_ARCH L"\\InstallLocation=%ls; %ls\\dotnet",
               env_arch[0] ? env_arch : L"-", env[0] ? env : L"-", reg[0] ? reg : L"-", pf);
    out[size - 1] = 0;
}

static BOOL CALLBACK shim_start(PINIT_ONCE once, PVOID param, PVOID* context)
{
    (void)once; (void)param; (void)context;
    HMODULE self = NULL, nethost, hostfxr;
    wchar_t path[MAX_PATH], config[MAX_PATH], assembly[MAX_PATH], fxr[MAX_PATH], where[1024];
    size_t fxr_size = MAX_PATH;
    shim_get_hostfxr_path_fn find_fxr;
    hostfxr_initialize_for_runtime_config_fn init;
    hostfxr_get_runtime_delegate_fn get_delegate;
    hostfxr_set_error_writer_fn set_writer;
    hostfxr_close_fn close_fn;
    hostfxr_handle ctx = NULL;
    void* load = NULL;
    int rc;
    wchar_t* slash;
    wchar_t self_dir[MAX_PATH];

    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (LPCWSTR)(void*)&shim_start, &self) ||
        !GetModuleFileNameW(self, self_dir, MAX_PATH)) {
        shim_fail(L"connect_bridge.dll: не удалось узнать свою папку (%lu) | connect_bridge.dll: cannot find its own folder (%lu)",
                  GetLastError(), GetLastError());
        return TRUE;
    }
    slash = wcsrchr(self_dir, L'\\');
    if (slash) *slash = 0;
    if (!shim_find_home(self_dir)) return TRUE;

    if (shim_file_missing(L"nethost.dll", path) || shim_file_missing(L"Connect.Bridge.Native.runtimeconfig.json", config) ||
        shim_file_missing(L"Connect.Bridge.Native.dll", assembly)) return TRUE;

    nethost = LoadLibraryExW(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    if (!nethost) {
        DWORD e = GetLastError();
        if (e == ERROR_BAD_EXE_FORMAT)
            shim_fail(L"connect_bridge.dll (" SHIM_ARCH L"): %ls другой разрядности, нужен " SHIM_BITS L"-битный из того же"
                      L" комплекта | connect_bridge.dll (" SHIM_ARCH L"): %ls has the wrong bitness; use the " SHIM_BITS
                      L"-bit one from the same bundle", path, path);
        else
            shim_fail(L"connect_bridge.dll (" SHIM_ARCH L"): не загружается %ls (ошибка %lu) | connect_bridge.dll ("
                      SHIM_ARCH L"): cannot load %ls (error %lu)", path, e, path, e);
        return TRUE;
    }
    find_fxr = (shim_get_hostfxr_path_fn)(void*)GetProcAddress(nethost, "get_hostfxr_path");
    struct get_hostfxr_parameters params = { sizeof params, assembly, NULL };
    if (!find_fxr || (rc = find_fxr(fxr, &fxr_size, &params)) != 0) {
        shim_where(where, 1024);
        shim_fail(L"не установлена среда .NET 10 (" SHIM_ARCH L", " SHIM_BITS L"-битная): установите .NET Runtime 10 для "
                  SHIM_ARCH L" с https://dotnet.microsoft.com/download/dotnet/10.0; искали: %ls | the .NET 10 runtime ("
                  SHIM_ARCH L", " SHIM_BITS L"-bit) is not installed: install .NET Runtime 10 for " SHIM_ARCH
                  L" from https://dotnet.microsoft.com/download/dotnet/10.0; looked in: %ls", where, where);
        return TRUE;
    }
    hostfxr = LoadLibraryExW(fxr, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    init = hostfxr ? (hostfxr_initialize_for_runtime_config_fn)(void*)GetProcAddress(hostfxr, "hostfxr_initialize_for_runtime_config") : NULL;
    get_delegate = hostfxr ? (hostfxr_get_runtime_delegate_fn)(void*)GetProcAddress(hostfxr, "hostfxr_get_runtime_delegate") : NULL;
    set_writer = hostfxr ? (hostfxr_set_error_writer_fn)(void*)GetProcAddress(hostfxr, "hostfxr_set_error_writer") : NULL;
    close_fn = hostfxr ? (hostfxr_close_fn)(void*)GetProcAddress(hostfxr, "hostfxr_close") : NULL;
    if (!init || !get_delegate || !close_fn) {
        shim_fail(L"среда .NET повреждена: не загружается %ls | the .NET runtime is damaged: cannot load %ls", fxr, fxr);
        return TRUE;
    }
    g_host_message[0] = 0;
    if (set_writer) set_writer(shim_host_error);
    /* 1 (already initialized) and 2 (initialized with other properties) are success: a process where the COM
       object or another component already started the runtime. */
    rc = init(config, NULL, &ctx);
    if (rc >= 0 && ctx) {
        rc = get_delegate(ctx, hdt_load_assembly_and_get_function_pointer, &load);
        close_fn(ctx);
    }
    if (set_writer) set_writer(NULL);
    if (rc < 0 || !load) {
        wchar_t* nl;
        while ((nl = wcspbrk(g_host_message, L"\r\n")) != NULL) *nl = L' ';
        shim_fail(L"не удалось запустить среду .NET 10 (" SHIM_ARCH L") из %ls: код 0x%08X %ls | cannot start the .NET 10 runtime ("
                  SHIM_ARCH L") from %ls: code 0x%08X %ls", fxr, (unsigned)rc, g_host_message, fxr, (unsigned)rc, g_host_message);
        return TRUE;
    }
    g_load = (load_assembly_and_get_function_pointer_fn)load;
    return TRUE;
}

/* The managed function of a slot, starting the runtime on first use; NULL (with a text) when it cannot be had. */
static void* shim_resolve(shim_slot* slot)
{
    void* fn = slot->fn;
    wchar_t assembly[MAX_PATH];
    int rc;
    if (fn) return fn;
    InitOnceExecuteOnce(&g_once, shim_start, NULL, NULL);
    if (g_failed || !g_load) {
        t_text_w = g_failure_w;
        t_text_a = g_failure_a;
        return NULL;
    }
    _snwprintf(assembly, MAX_PATH, L"%ls\\%ls", g_dir, slot->assembly);
    assembly[MAX_PATH - 1] = 0;
    rc = g_load(assembly, slot->type_name, slot->method, UNMANAGEDCALLERSONLY_METHOD, NULL, &fn);
    if (rc < 0 || !fn) {
        /* An assembly older than the shim: this one function fails, the others work. */
        _snwprintf(t_missing_w, 511, L"%hs: в %ls нет метода %ls (%ls; код 0x%08X), файлы из разных версий | %hs: %ls has"
                   L" no method %ls (%ls; code 0x%08X): files from different versions",
                   slot->export_name, assembly, slot->method, slot->type_name, (unsigned)rc,
                   slot->export_name, assembly, slot->method, slot->type_name, (unsigned)rc);
        t_missing_w[511] = 0;
        to_utf8(t_missing_w, t_missing_a, (int)sizeof t_missing_a);
        t_text_w = t_missing_w;
        t_text_a = t_missing_a;
        return NULL;
    }
    slot->fn = fn; /* a race stores the same pointer twice */
    return fn;
}

#include "exports.g.c"
