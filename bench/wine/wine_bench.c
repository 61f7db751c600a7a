/*
** wine_bench.c -- first call, per call, connection reuse and memory of Connect.Bridge under Wine, x86 and x64,
** built with i686- / x86_64-w64-mingw32-gcc by bench/wine/run.sh. Two surfaces, the same message as bench/run.sh:
**   com   Connect.Bridge.Sender through IDispatch by member name (GetIDsOfNames + Invoke, as 1C does;
**         helpers of tests/com/com_util.h)
**   dll   the Windows NativeAOT DLL connect_bridge.dll (native/winaot), linked with its import library and the header
** Modes (URL = the responder's base URL, from argv):
**   wine_bench SURFACE URL first                one call; prints the epoch time (ms, the host's clock) at which the
**                                               first send returned, and in-process: main -> created -> first send
**   wine_bench SURFACE URL seq N WARMUP         WARMUP untimed sends, N timed ones on one object
**   wine_bench SURFACE URL multi S M            S objects one after another (create, M sends, release) in one
**                                               process: the responder's /stats counts the connections
**   wine_bench SURFACE URL rss N STEP           N sends, prints the working set (Wine: the process's VmRSS) every STEP
** Built twice: without WB_DLL (COM only: the client must not load the DLL) and with -DWB_DLL.
** Prints "result key=value ..." lines; exits 1 if a send was not 200. Login/password from BENCH_LOGIN/BENCH_PASSWORD.
*/
#define COBJMACROS
#include "../../tests/com/com_util.h"
#include <psapi.h>
#include "connect_bridge.h"

static const GUID CLSID_Sender = {0xF7F0E9EF, 0xBE89, 0x4828, {0xA9, 0x61, 0x7E, 0x5B, 0xC0, 0x14, 0x35, 0xCA}};
static const char *LINE_ID = "3f2b8c1e-6a4d-4e5f-9b7a-1c2d3e4f5a6b";
static const char *USER_ID = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
/* "Здравствуйте! Это сообщение бенчмарка." and the keyboard "Да|Нет|Не знаю" / "Позвать оператора|Отмена" */
static const wchar_t *TEXT_W = L"\u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439\u0442\u0435! "
    L"\u042d\u0442\u043e \u0441\u043e\u043e\u0431\u0449\u0435\u043d\u0438\u0435 \u0431\u0435\u043d\u0447\u043c\u0430\u0440\u043a\u0430.";
static const wchar_t *ROW1_W = L"\u0414\u0430|\u041d\u0435\u0442|\u041d\u0435 \u0437\u043d\u0430\u044e";
static const wchar_t *ROW2_W = L"\u041f\u043e\u0437\u0432\u0430\u0442\u044c \u043e\u043f\u0435\u0440\u0430\u0442\u043e\u0440\u0430|"
    L"\u041e\u0442\u043c\u0435\u043d\u0430";

static const char *g_url, *g_login, *g_password;
static int g_com;
static LARGE_INTEGER g_freq, g_t0;

static double now_ms(void)
{
    LARGE_INTEGER t;
    QueryPerformanceCounter(&t);
    return (double)(t.QuadPart - g_t0.QuadPart) * 1000.0 / (double)g_freq.QuadPart;
}

static double epoch_ms(void)
{
    FILETIME ft;
    GetSystemTimePreciseAsFileTime(&ft);
    ULONGLONG t = ((ULONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
    return (double)(t - 116444736000000000ULL) / 10000.0;
}

static void die(const char *what, long code)
{
    printf("error %s (%ld)\n", what, code);
    fflush(stdout);
    exit(2);
}

/* ---- one sender of either surface ------------------------------------------------------------------------- */

typedef struct { IDispatch *d; cb_sender *s; BSTR line, user, text; } Sender;

static BSTR bstr_of(const char *s) { wchar_t *w = utf8_to_w(s, NULL); BSTR b = SysAllocString(w); free(w); return b; }

static Sender create(void)
{
    Sender x;
    memset(&x, 0, sizeof x);
    if (g_com) {
        HRESULT hr = CoCreateInstance(&CLSID_Sender, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&x.d);
        if (FAILED(hr) || !x.d) die("CoCreateInstance", hr);
        if (FAILED(put_prop(x.d, L"BaseUrl", vbstr(bstr_of(g_url)))) || FAILED(put_prop(x.d, L"Login", vbstr(bstr_of(g_login))))
            || FAILED(put_prop(x.d, L"Password", vbstr(bstr_of(g_password)))) || FAILED(put_prop(x.d, L"Language", vbstr(SysAllocString(L"en")))))
            die("property put", 0);
        const wchar_t *rows[2] = {ROW1_W, ROW2_W};
        for (int i = 0; i < 2; i++) {
            VARIANT a = vbstr(SysAllocString(rows[i]));
            Result r = invoke(x.d, L"AddKeyboardRow", DISPATCH_METHOD, 1, &a);
            VariantClear(&a);
            if (FAILED(r.hr)) die("AddKeyboardRow", r.hr);
            clear_result(&r);
        }
        x.line = bstr_of(LINE_ID); x.user = bstr_of(USER_ID); x.text = SysAllocString(TEXT_W);
    } else {
#ifdef WB_DLL
        x.s = cb_sender_create();
        if (!x.s) die("cb_sender_create", 0);
        char *kb1 = w_to_utf8(ROW1_W, wcslen(ROW1_W)), *kb2 = w_to_utf8(ROW2_W, wcslen(ROW2_W));
        char kb[512];
        snprintf(kb, sizeof kb, "%s\n%s", kb1, kb2);
        free(kb1); free(kb2);
        if (cb_set_option(x.s, CB_OPT_BASE_URL, g_url) || cb_set_option(x.s, CB_OPT_LOGIN, g_login)
            || cb_set_option(x.s, CB_OPT_PASSWORD, g_password) || cb_set_option(x.s, CB_OPT_LANGUAGE, "en")
            || cb_set_keyboard(x.s, kb, CB_KEYBOARD_ROWS))
            die("cb_set_option", 0);
#else
        die("built without the DLL (WB_DLL)", 0);
#endif
    }
    return x;
}

static char g_text8[256];

static int send_one(Sender *x)
{
    int status;
    if (g_com) {
        VARIANT a[3] = {vbstr(x->line), vbstr(x->user), vbstr(x->text)}; /* not freed here: reused */
        Result r = invoke(x->d, L"Send", DISPATCH_METHOD, 3, a);
        status = (SUCCEEDED(r.hr) && r.v.vt == VT_I4) ? r.v.lVal : -1000;
        clear_result(&r);
    } else {
#ifdef WB_DLL
        status = cb_send_message(x->s, LINE_ID, USER_ID, g_text8);
#else
        status = -1000;
#endif
    }
    return status == 200;
}

static void destroy(Sender *x)
{
    if (g_com) {
        IDispatch_Release(x->d);
        SysFreeString(x->line); SysFreeString(x->user); SysFreeString(x->text);
    } else {
#ifdef WB_DLL
        cb_sender_destroy(x->s);
#endif
    }
}

static void working_set(size_t *now, size_t *peak)
{
    PROCESS_MEMORY_COUNTERS pmc;
    memset(&pmc, 0, sizeof pmc);
    pmc.cb = sizeof pmc;
    GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc);
    *now = pmc.WorkingSetSize; *peak = pmc.PeakWorkingSetSize;
}

int main(int argc, char **argv)
{
    QueryPerformanceFrequency(&g_freq);
    QueryPerformanceCounter(&g_t0);
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 4) { fprintf(stderr, "usage: wine_bench com|dll URL first|seq|multi|rss ...\n"); return 2; }
    g_com = strcmp(argv[1], "com") == 0;
    g_url = argv[2];
    g_login = getenv("BENCH_LOGIN"); g_password = getenv("BENCH_PASSWORD");
    if (!g_login || !g_password) die("BENCH_LOGIN/BENCH_PASSWORD not set", 0);
    char *t8 = w_to_utf8(TEXT_W, wcslen(TEXT_W));
    snprintf(g_text8, sizeof g_text8, "%s", t8);
    free(t8);
    const char *mode = argv[3];
    if (g_com) {
        HRESULT hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED); /* 1C's threads are STA */
        if (FAILED(hr)) die("CoInitializeEx", hr);
    }
    long failed = 0;
    if (strcmp(mode, "first") == 0) {
        double t_main = now_ms();
        Sender x = create();
        double t_created = now_ms();
        failed += !send_one(&x);
        double t_sent = now_ms(), epoch = epoch_ms();
        destroy(&x);
        printf("result mode=first failed=%ld epoch_ms=%.3f main_ms=%.3f create_ms=%.3f first_send_ms=%.3f\n", failed, epoch,
               t_main, t_created - t_main, t_sent - t_created);
    } else if (strcmp(mode, "seq") == 0 && argc >= 6) {
        long n = atol(argv[4]), warm = atol(argv[5]);
        Sender x = create();
        for (long i = 0; i < warm; i++) failed += !send_one(&x);
        double t0 = now_ms();
        for (long i = 0; i < n; i++) failed += !send_one(&x);
        double dt = now_ms() - t0;
        destroy(&x);
        printf("result mode=seq sent=%ld failed=%ld us_per_call=%.1f msgs_per_s=%.1f\n", n, failed, dt * 1000.0 / (double)n,
               (double)n * 1000.0 / dt);
    } else if (strcmp(mode, "multi") == 0 && argc >= 6) {
        long s = atol(argv[4]), m = atol(argv[5]);
        double t0 = now_ms();
        for (long k = 0; k < s; k++) {
            Sender x = create();
            for (long i = 0; i < m; i++) failed += !send_one(&x);
            destroy(&x);
        }
        double dt = now_ms() - t0;
        printf("result mode=multi objects=%ld each=%ld failed=%ld us_per_object=%.1f\n", s, m, failed, dt * 1000.0 / (double)s);
    } else if (strcmp(mode, "rss") == 0 && argc >= 6) {
        long n = atol(argv[4]), step = atol(argv[5]);
        Sender x = create();
        for (long i = 1; i <= n; i++) {
            failed += !send_one(&x);
            if (i % step == 0) {
                size_t ws, peak;
                working_set(&ws, &peak);
                printf("rss sends=%ld ws_kib=%lu peak_kib=%lu\n", i, (unsigned long)(ws / 1024), (unsigned long)(peak / 1024));
            }
        }
        destroy(&x);
        printf("result mode=rss sent=%ld failed=%ld\n", n, failed);
    } else {
        fprintf(stderr, "wine_bench: bad mode\n");
        return 2;
    }
    if (g_com) CoUninitialize();
    return failed ? 1 : 0;
}
