/*
** delphi_client.c -- checks the Windows connect_bridge.dll from a real Windows program (run under Wine, built
** with i686- / x86_64-w64-mingw32-gcc). It binds every function the way the Delphi unit does
** (native/delphi/ConnectBridge.pas: `stdcall; external 'connect_bridge.dll' name 'cb_...'` on 32-bit Windows):
** GetProcAddress by the undecorated name, called through a pointer declared __stdcall on x86, parameters as the
** unit declares them (PAnsiChar, PWideChar, Integer, Pointer). And it runs with Delphi's default FP state.
**
** Usage:
**   delphi_client.exe full      DLLDIR VERSION NUMBER BASE_URL LINE USER   (CB_TEST_LOGIN, CB_TEST_PASSWORD in env)
**   delphi_client.exe aftercom  DLLDIR VERSION NUMBER BASE_URL LINE USER   like full, but first creates the COM object
**                           Connect.Bridge.Sender, so the runtime is already started in the process (as in a 1C
**                           process that uses both); needs the COM server registered
** Prints one "PASS ..." / "FAIL ..." line per check, "# ..." information, and ends with "N passed, N failed".
*/
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <objbase.h>
#include "../runner/check.h"
#include <oleauto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#if defined(_WIN64)
#  define DELPHI_CALL
#else
#  define DELPHI_CALL __stdcall
#endif

typedef const char* (DELPHI_CALL *fn_version)(void);
typedef int (DELPHI_CALL *fn_version_number)(void);
typedef void* (DELPHI_CALL *fn_create)(void);
typedef void (DELPHI_CALL *fn_destroy)(void* s);
typedef int (DELPHI_CALL *fn_set_option)(void* s, int option, const char* value);
typedef int (DELPHI_CALL *fn_set_option_w)(void* s, int option, const wchar_t* value);
typedef int (DELPHI_CALL *fn_send_message)(void* s, const char* line, const char* user, const char* text);
typedef int (DELPHI_CALL *fn_send_message_w)(void* s, const wchar_t* line, const wchar_t* user, const wchar_t* text);
typedef int (DELPHI_CALL *fn_set_keyboard)(void* s, const char* keyboard, int format);
typedef int (DELPHI_CALL *fn_drop_keyboard)(void* s, const char* line, const char* user);
typedef int (DELPHI_CALL *fn_last_status)(void* s);
typedef int (DELPHI_CALL *fn_last_error)(void* s, char* buffer, int size);
typedef int (DELPHI_CALL *fn_last_error_w)(void* s, wchar_t* buffer, int size);
typedef int (DELPHI_CALL *fn_send)(const char* base_url, const char* login, const char* password, const char* line,
                                   const char* user, const char* text, const char* keyboard, int format,
                                   char* error_buffer, int error_buffer_size);
typedef int (DELPHI_CALL *fn_send_w)(const wchar_t* base_url, const wchar_t* login, const wchar_t* password,
                                     const wchar_t* line, const wchar_t* user, const wchar_t* text,
                                     const wchar_t* keyboard, int format, wchar_t* error_buffer, int error_buffer_chars);
typedef int (DELPHI_CALL *fn_status_text)(int status, const char* language, char* buffer, int size);

static struct {
    fn_version version;
    fn_version_number version_number;
    fn_create create;
    fn_destroy destroy;
    fn_set_option set_option;
    fn_set_option_w set_option_w;
    fn_send_message send_message;
    fn_send_message_w send_message_w;
    fn_set_keyboard set_keyboard;
    fn_drop_keyboard drop_keyboard;
    fn_last_status last_status;
    fn_last_error last_error;
    fn_last_error_w last_error_w;
    fn_send send;
    fn_send_w send_w;
    fn_status_text status_text;
} cb;

static const char* g_password = "";

/* ---------------------------------------------------------------- FP state, as Delphi leaves it */

static unsigned short get_cw(void) { unsigned short cw; __asm__ volatile("fnstcw %0" : "=m"(cw)); return cw; }
static void set_cw(unsigned short cw) { __asm__ volatile("fnclex\n\tfldcw %0" : : "m"(cw)); }
static unsigned int get_mxcsr(void) { unsigned int m; __asm__ volatile("stmxcsr %0" : "=m"(m)); return m; }
static void set_mxcsr(unsigned int m) { __asm__ volatile("ldmxcsr %0" : : "m"(m)); }
#define DELPHI_CW 0x1332u    /* Delphi's Default8087CW: invalid, zero-divide, overflow unmasked */
#define DELPHI_MXCSR 0x1900u /* Delphi's DefaultMXCSR: the same three unmasked */

static double now_ms(void)
{
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart * 1000.0 / (double)f.QuadPart;
}

static int bind_all(const wchar_t* dir)
{
    wchar_t path[MAX_PATH];
    HMODULE h;
    _snwprintf(path, MAX_PATH, L"%ls\\connect_bridge.dll", dir);
    h = LoadLibraryW(path);
    check(h != NULL, "LoadLibraryW(connect_bridge.dll) (error %lu)", h ? 0ul : GetLastError());
    if (!h) return 0;
#define BIND(field, name) (cb.field = (void*)GetProcAddress(h, name), cb.field != NULL)
    int ok = BIND(version, "cb_version") & BIND(version_number, "cb_version_number") & BIND(create, "cb_sender_create") &
             BIND(destroy, "cb_sender_destroy") & BIND(set_option, "cb_set_option") & BIND(set_option_w, "cb_set_option_w") &
             BIND(send_message, "cb_send_message") & BIND(send_message_w, "cb_send_message_w") &
             BIND(set_keyboard, "cb_set_keyboard") & BIND(drop_keyboard, "cb_drop_keyboard") &
             BIND(last_status, "cb_last_status") & BIND(last_error, "cb_last_error") & BIND(last_error_w, "cb_last_error_w") &
             BIND(send, "cb_send") & BIND(send_w, "cb_send_w") & BIND(status_text, "cb_status_text");
    check(ok, "GetProcAddress finds every function by its undecorated name (as Delphi's external ... name '...')");
    return ok;
}

static void check_version(const char* version, int number)
{
    const char* v = cb.version();
    check(v && strcmp(v, version) == 0, "cb_version() = \"%s\" (Directory.Build.props: %s)", v ? v : "(null)", version);
    check(cb.version_number() == number, "cb_version_number() = %d (expected %d)", cb.version_number(), number);
}

/* ---------------------------------------------------------------- sends */

static const char *g_base, *g_line, *g_user, *g_login;

typedef struct worker { int index; int status; int created; } worker;

static DWORD WINAPI first_call_worker(LPVOID arg)
{
    worker* w = arg;
    if (w->index % 2) { set_cw(DELPHI_CW); set_mxcsr(DELPHI_MXCSR); } /* half the threads with Delphi's FP state */
    void* s = cb.create();
    w->created = s != NULL;
    if (!s) { w->status = -999; return 0; }
    cb.set_option(s, 1, g_base);
    cb.set_option(s, 2, g_login);
    cb.set_option(s, 3, g_password);
    w->status = cb.send_message(s, g_line, g_user, "concurrent first call");
    cb.destroy(s);
    return 0;
}

static int run_full(void)
{
    char err[1024];
    wchar_t werr[512];
    int i, st;

    /* Concurrent first calls: the one-time runtime start runs once, everyone waits for it. */
    HANDLE t[8];
    worker w[8];
    double t0 = now_ms();
    for (i = 0; i < 8; i++) {
        w[i].index = i;
        w[i].status = 0;
        t[i] = CreateThread(NULL, 0, first_call_worker, &w[i], 0, NULL);
    }
    WaitForMultipleObjects(8, t, TRUE, 120000);
    double first = now_ms() - t0;
    int all = 1;
    for (i = 0; i < 8; i++) { all &= w[i].created && w[i].status == 200; CloseHandle(t[i]); }
    check(all, "8 threads make their first call at once (runtime start + send): all 200");
    printf("# first calls (runtime start, 8 concurrent sends): %.0f ms\n", first);

    /* Delphi's FP state on this thread: the sends work and the state comes back unchanged. */
    set_cw(DELPHI_CW);
    set_mxcsr(DELPHI_MXCSR);
    unsigned short cw0 = get_cw();
    unsigned int mx0 = get_mxcsr();
    void* s = cb.create();
    cb.set_option(s, 1, g_base);
    cb.set_option(s, 2, g_login);
    cb.set_option(s, 3, g_password);
    st = cb.send_message(s, g_line, g_user, "Здравствуйте! (Delphi binding)");
    unsigned short cw = get_cw();
    unsigned int mx = get_mxcsr();
    check(st == 200, "cb_send_message with Delphi's FP state (CW 0x1332, MXCSR 0x1900) -> %d", st);
    check(cw == cw0 && mx == mx0 && (mx & 0xFFC0u) == DELPHI_MXCSR, "FP control word and MXCSR restored after the call (0x%04X, 0x%04X)", cw, mx);
    st = cb.send_message_w(s, L"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44", L"x", L"t");
    check(st == -1, "cb_send_message_w with a bad user id -> %d (core validation)", st);
    int need = cb.last_error(s, err, sizeof err);
    check(need > 1 && strstr(err, "user") != NULL, "cb_last_error after it: %s", err);
    check(g_password[0] && strstr(err, g_password) == NULL, "no password in the text");
    cb.last_error_w(s, werr, 512);
    check(werr[0] != 0, "cb_last_error_w gives the UTF-16 text");
    st = cb.set_option(s, 999, "x");
    check(st == -1, "cb_set_option(unknown id) -> %d", st);
    st = cb.set_option_w(s, 5, L"en");
    check(st == 0, "cb_set_option_w(LANGUAGE, \"en\") -> %d", st);
    st = cb.set_keyboard(s, "Да|Нет", 0);
    check(st == 0, "cb_set_keyboard(rows) -> %d", st);
    st = cb.send_message(s, g_line, g_user, "with keyboard");
    check(st == 200, "cb_send_message with a keyboard -> %d", st);
    st = cb.drop_keyboard(s, g_line, g_user);
    check(st == 200, "cb_drop_keyboard -> %d", st);
    check(cb.last_status(s) == 200, "cb_last_status -> %d", cb.last_status(s));

    /* Per-call cost of a call that does no I/O and of a send on loopback. */
    double t1 = now_ms();
    for (i = 0; i < 100000; i++) cb.last_status(s);
    double per_call_us = (now_ms() - t1) * 1000.0 / 100000.0;
    double t2 = now_ms();
    int ok = 1;
    for (i = 0; i < 50; i++) ok &= cb.send_message(s, g_line, g_user, "timing") == 200;
    double per_send_ms = (now_ms() - t2) / 50.0;
    check(ok, "50 sends in a row -> 200");
    printf("# per call (cb_last_status, no I/O): %.2f us; per send on loopback: %.2f ms\n", per_call_us, per_send_ms);
    cb.destroy(s);

    set_cw(0x037F);
    set_mxcsr(0x1F80);
    err[0] = 0;
    st = cb.send(g_base, g_login, g_password, g_line, g_user, "one-shot", "[[\"A\",\"B\"]]", 1, err, sizeof err);
    check(st == 200 && err[0] == 0, "cb_send (one-shot, JSON keyboard) -> %d", st);
    wchar_t wbase[256], wlogin[256], wpass[256], wline[64], wuser[64];
    MultiByteToWideChar(CP_UTF8, 0, g_base, -1, wbase, 256);
    MultiByteToWideChar(CP_UTF8, 0, g_login, -1, wlogin, 256);
    MultiByteToWideChar(CP_UTF8, 0, g_password, -1, wpass, 256);
    MultiByteToWideChar(CP_UTF8, 0, g_line, -1, wline, 64);
    MultiByteToWideChar(CP_UTF8, 0, g_user, -1, wuser, 64);
    st = cb.send_w(wbase, wlogin, wpass, wline, wuser, L"Привет через cb_send_w", NULL, 0, werr, 512);
    check(st == 200, "cb_send_w (Cyrillic) -> %d", st);
    st = cb.send(g_base, g_login, "wrong-password", g_line, g_user, "t", NULL, 0, err, sizeof err);
    check(st == 401 && err[0], "cb_send with a wrong password -> %d: %s", st, err);
    st = cb.send(g_base, g_login, g_password, g_line, g_user, "t", NULL, 0, err, -1);
    check(st == -1, "cb_send with a negative error buffer size -> %d", st);

    st = cb.status_text(-2, "en", err, sizeof err);
    check(st > 1 && (int)strlen(err) + 1 == st, "cb_status_text(-2, \"en\") -> size %d: %s", st, err);
    return 0;
}

/* The COM object first: its comhost starts the .NET runtime in the process (as in a 1C process that uses both);
   the NativeAOT DLL's own runtime must live beside it undisturbed. */
static void start_runtime_through_com(void)
{
    CLSID clsid;
    IDispatch* obj = NULL;
    HRESULT hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    check(SUCCEEDED(hr), "CoInitializeEx -> 0x%08lX", (unsigned long)hr);
    hr = CLSIDFromProgID(L"Connect.Bridge.Sender", &clsid);
    if (SUCCEEDED(hr)) hr = CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void**)&obj);
    check(SUCCEEDED(hr) && obj, "the COM object Connect.Bridge.Sender created first -> 0x%08lX", (unsigned long)hr);
    check(GetModuleHandleW(L"coreclr.dll") != NULL, "the runtime (coreclr.dll) is loaded before the first call into the DLL");
    if (obj) {
        DISPID id;
        LPOLESTR name = L"Version";
        DISPPARAMS none = { NULL, NULL, 0, 0 };
        VARIANT v;
        VariantInit(&v);
        hr = obj->lpVtbl->GetIDsOfNames(obj, &IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &id);
        if (SUCCEEDED(hr)) hr = obj->lpVtbl->Invoke(obj, id, &IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_PROPERTYGET, &none, &v, NULL, NULL);
        char version[64] = "";
        if (SUCCEEDED(hr) && v.vt == VT_BSTR) WideCharToMultiByte(CP_UTF8, 0, v.bstrVal, -1, version, sizeof version, NULL, NULL);
        check(strcmp(version, cb.version()) == 0, "COM Version \"%s\" = cb_version \"%s\"", version, cb.version());
        VariantClear(&v);
        obj->lpVtbl->Release(obj); /* the runtime stays: it is never unloaded */
    }
}

int main(int argc, char** argv)
{
    wchar_t dir[MAX_PATH];
    if (argc < 5) {
        fprintf(stderr, "usage: delphi_client full|aftercom DLLDIR VERSION NUMBER ...\n");
        return 2;
    }
    MultiByteToWideChar(CP_UTF8, 0, argv[2], -1, dir, MAX_PATH);
    printf("# delphi_client %s (%d-bit)\n", argv[1], (int)(sizeof(void*) * 8));
    if (bind_all(dir)) {
        check_version(argv[3], atoi(argv[4]));
        if ((strcmp(argv[1], "full") == 0 || strcmp(argv[1], "aftercom") == 0) && argc >= 8) {
            g_base = argv[5];
            g_line = argv[6];
            g_user = argv[7];
            g_login = getenv("CB_TEST_LOGIN") ? getenv("CB_TEST_LOGIN") : "";
            g_password = getenv("CB_TEST_PASSWORD") ? getenv("CB_TEST_PASSWORD") : "";
            if (strcmp(argv[1], "aftercom") == 0) start_runtime_through_com();
            run_full();
        } else {
            check(0, "arguments understood");
        }
    }
    return check_summary();
}
