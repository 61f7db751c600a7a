/*
 * The fault matrix (docs/RELIABILITY.md section 1) through real COM under Wine: every row FaultMatrixTests runs
 * through the .NET API, served by tests/faultserver, sent through Connect.Bridge.Sender the way 1C:Enterprise calls
 * it - CLSIDFromProgID, CoCreateInstance, GetIDsOfNames + IDispatch::Invoke by member name. Built with
 * x86_64-w64-mingw32-gcc by tests/com/run.sh.
 *
 * Usage: fault_client.exe MANIFEST [REPORT.md]
 *   MANIFEST   written by tests/faultserver (its header in tests/faultserver/Program.cs describes the format); each row
 *              has one listener per run on 127.0.0.1: run 0 is Russian, run 1 English
 *   REPORT.md  optional: the observed table, for docs/RELIABILITY.md
 * Credentials come from the environment (CB_LOGIN, CB_PASSWORD) and are never printed.
 *
 * For every row and language, on a fresh object: BaseUrl (the run's listener), Login, Password, Language,
 * TimeoutSeconds (the manifest's timeout in seconds: VT_I4 when whole, else VT_R8, e.g. 3.5; the row's timeout for
 * a client with the default retry delay, which COM cannot change) and MaxRetries 2; then one Send. Checked:
 *   - Send's return value and LastStatusCode, which must agree, against the row's status; Invoke must not fail
 *     (ThrowOnError is off);
 *   - LastErrorText compared as UTF-16 with the expected text; for the TLS rows, the words around the platform's
 *     detail exactly, and that the detail names the failure (as FaultMatrixTests checks);
 *   - the growth of the listener's request count (GET /counts on the fault server's control listener, over
 *     Winsock), which checks the retry rules; for the TLS rows, exactly one connection;
 *   - that the text does not contain the password.
 * What COM cannot show is printed as an "N/A" line, never as a pass: the attempt count when no request can reach the
 * server (connection refused), and the bounded error-body length (the object has no response body).
 *
 * Output (UTF-8): "PASS"/"FAIL" per row and language, "N/A" lines, lines starting with "#" are information, and
 * the last line is "N passed, N failed" (rows: a row passes when both languages pass). Exit code 0 when everything
 * passed, 1 on a failure, 2 when the run could not start, 3 when a Send did not return within its watchdog bound.
 */
#include "com_util.h"

#define MAX_RUNS 8
#define WATCHDOG_EXTRA_MS 60000 /* on top of the row's timeout: only a real hang reaches it */

typedef struct {
    int row, run;
    char url[128];
    int timeout_ms, status, attempts, requests, https, body_length;
    char *ru, *en, *detail, *name; /* UTF-8; detail NULL when the row has none */
    /* observed */
    int got_status, elapsed_ms;
    long long got_requests, got_connections;
    char *got_text; /* UTF-8 */
    int no_detail;  /* the TLS text came without the platform detail (Wine) */
} Run;

static const wchar_t *g_password;
static unsigned short g_control_port;
static int g_margin_ms;
static char g_line[64], g_user[64], *g_text;

/* ---- text helpers ---------------------------------------------------------------------------------- */

/* "." -> "", "-" -> NULL, else hex of UTF-8 bytes -> a malloc'd string; *ok = 0 on bad syntax. */
static char *unhex(const char *s, int *ok)
{
    if (strcmp(s, "-") == 0) return NULL;
    if (strcmp(s, ".") == 0) return _strdup("");
    size_t n = strlen(s);
    if (n % 2) { *ok = 0; return NULL; }
    char *out = (char *)malloc(n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        int a = hexval(s[2 * i]), b = hexval(s[2 * i + 1]);
        if (a < 0 || b < 0) { free(out); *ok = 0; return NULL; }
        out[i] = (char)(a << 4 | b);
    }
    out[n / 2] = 0;
    return out;
}

static int contains_password(const wchar_t *s, size_t n) { return w_contains(s, n, g_password); }

/* Accumulates the problems of one run into a line (UTF-8). */
typedef struct { char buf[8192]; size_t len; int problems; } Report;

static void problem(Report *r, const char *fmt, ...)
{
    if (r->len < sizeof r->buf - 2) {
        if (r->problems) r->len += (size_t)snprintf(r->buf + r->len, sizeof r->buf - r->len, "; ");
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(r->buf + r->len, sizeof r->buf - r->len, fmt, ap);
        va_end(ap);
        if (n > 0) r->len += (size_t)n;
        if (r->len >= sizeof r->buf) r->len = sizeof r->buf - 1;
    }
    r->problems++;
}

static const char *g_wine; /* the Wine version when running under Wine, else NULL */

/*
 * The expected text (UTF-8, maybe with {detail}) against the actual BSTR, as UTF-16. Returns 1 when it matches,
 * 0 when not (*why says how), and 2 when the text is the template without its " ({detail})" and the client runs
 * under Wine: there .NET gets Win32Exception 0x80090302 (SEC_E_UNSUPPORTED_FUNCTION) from schannel's
 * ApplyControlToken while it sends the alert for the rejected certificate, instead of the AuthenticationException
 * that carries the detail, so the core words the failure without it. The caller reports that as an N/A line.
 */
static int text_matches(const char *expected, const char *detail_word, const wchar_t *actual, size_t len, const char **why)
{
    size_t elen;
    wchar_t *exp = utf8_to_w(expected, &elen);
    wchar_t *mark = wcsstr(exp, L"{detail}");
    int ok;
    if (!mark) {
        *why = "differs";
        ok = elen == len && memcmp(exp, actual, len * sizeof(wchar_t)) == 0;
    } else if (mark - exp >= 2 && mark[-2] == L' ' && mark[-1] == L'(' && mark[8] == L')' &&
               len == elen - 11 && memcmp(actual, exp, (size_t)(mark - 2 - exp) * sizeof(wchar_t)) == 0 &&
               memcmp(actual + (mark - 2 - exp), mark + 9, wcslen(mark + 9) * sizeof(wchar_t)) == 0) {
        /* the template without " ({detail})" */
        *why = "has no TLS detail (expected one: not running under Wine)";
        ok = g_wine ? 2 : 0;
    } else {
        size_t pre = (size_t)(mark - exp);
        const wchar_t *suffix = mark + 8;
        size_t suf = wcslen(suffix);
        ok = len >= pre + suf && memcmp(actual, exp, pre * sizeof(wchar_t)) == 0 &&
             memcmp(actual + len - suf, suffix, suf * sizeof(wchar_t)) == 0;
        *why = "differs around the TLS detail";
        if (ok && detail_word) {
            size_t dn = len - pre - suf;
            wchar_t *detail = (wchar_t *)calloc(dn + 1, sizeof(wchar_t));
            memcpy(detail, actual + pre, dn * sizeof(wchar_t));
            wchar_t *word = utf8_to_w(detail_word, NULL);
            ok = wcsstr(detail, word) != NULL;
            if (!ok) *why = "the TLS detail does not name the failure";
            free(word);
            free(detail);
        }
        if (ok && len >= 500) { ok = 0; *why = "the TLS text is 500 characters or longer"; }
    }
    free(exp);
    return ok;
}

/* ---- the fault server's counts: GET /counts on 127.0.0.1 ------------------------------------------ */

static int fetch_counts(int row, int run, long long *requests, long long *connections)
{
    static const char req[] = "GET /counts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    static char buf[65536];
    if (loopback_get(g_control_port, req, (int)sizeof req - 1, buf, (int)sizeof buf, NULL) < 0) return -1;
    if (strncmp(buf, "HTTP/1.1 200", 12) != 0) return -1;
    char *p = strstr(buf, "\r\n\r\n");
    if (!p) return -1;
    for (p += 4; *p;) {
        int r0, r1;
        long long q, c;
        if (sscanf(p, "%d %d %lld %lld", &r0, &r1, &q, &c) == 4 && r0 == row && r1 == run) {
            *requests = q;
            *connections = c;
            return 0;
        }
        char *nl = strchr(p, '\n');
        if (!nl) break;
        p = nl + 1;
    }
    return -1;
}

/* ---- IDispatch by name ----------------------------------------------------------------------------- */

static VARIANT vstr(const char *utf8)
{
    VARIANT v;
    VariantInit(&v);
    wchar_t *w = utf8_to_w(utf8, NULL);
    v.vt = VT_BSTR;
    v.bstrVal = SysAllocString(w);
    free(w);
    return v;
}

static VARIANT vstrw(const wchar_t *s) { VARIANT v; VariantInit(&v); v.vt = VT_BSTR; v.bstrVal = SysAllocString(s); return v; }
static VARIANT vdouble(double x) { VARIANT v; VariantInit(&v); v.vt = VT_R8; v.dblVal = x; return v; }

static IDispatch *create(HRESULT *hr)
{
    CLSID clsid;
    IDispatch *d = NULL;
    *hr = CLSIDFromProgID(L"Connect.Bridge.Sender", &clsid);
    if (SUCCEEDED(*hr)) *hr = CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&d);
    return SUCCEEDED(*hr) ? d : NULL;
}

/* One Send on d; its return value (INT_MIN when it is not VT_I4), *hr the Invoke result. */
static int send_message(IDispatch *d, HRESULT *hr)
{
    VARIANT args[3] = {vstr(g_line), vstr(g_user), vstr(g_text)};
    Result r = invoke(d, L"Send", DISPATCH_METHOD, 3, args);
    for (int k = 0; k < 3; k++) VariantClear(&args[k]);
    *hr = r.hr;
    int v = (SUCCEEDED(r.hr) && r.v.vt == VT_I4) ? r.v.lVal : INT_MIN;
    clear_result(&r);
    return v;
}

/* ---- the watchdog ---------------------------------------------------------------------------------- */

static volatile LONG64 g_deadline; /* GetTickCount64 bound of the running Send, 0 between sends */
static char g_running[512];

static DWORD WINAPI watchdog(LPVOID unused)
{
    (void)unused;
    for (;;) {
        Sleep(500);
        ULONGLONG deadline = (ULONGLONG)g_deadline;
        if (deadline && GetTickCount64() > deadline) {
            printf("FAIL HANG: Send did not return within its timeout + %d s; row %s\n", WATCHDOG_EXTRA_MS / 1000, g_running);
            fflush(stdout);
            ExitProcess(3);
        }
    }
    return 0;
}

/* ---- one run --------------------------------------------------------------------------------------- */

static const char *lang_of(int run) { return run % 2 == 0 ? "ru" : "en"; }

static int run_one(Run *r, const wchar_t *login)
{
    Report rep = {.len = 0};
    const char *lang = lang_of(r->run);
    HRESULT hr;
    IDispatch *d = create(&hr);
    if (!d) { printf("FAIL %2d [%s] %s: the object could not be created: hr=%08lx\n", r->row, lang, r->name, hr); return 0; }
    struct { const wchar_t *name; VARIANT v; } presets[6] = {
        {L"BaseUrl", vstr(r->url)}, {L"Login", vstrw(login)}, {L"Password", vstrw(g_password)},
        {L"Language", vstr(lang)},
        {L"TimeoutSeconds", r->timeout_ms % 1000 == 0 ? vint(r->timeout_ms / 1000) : vdouble(r->timeout_ms / 1000.0)},
        {L"MaxRetries", vint(2)},
    };
    for (int i = 0; i < 6; i++) {
        hr = put_prop(d, presets[i].name, presets[i].v);
        int st = last_status_of(d);
        if (hr != S_OK || st != 0) problem(&rep, "preset %ls: hr=%08lx LastStatusCode=%d", presets[i].name, hr, st);
    }
    long long req0 = 0, con0 = 0, req1 = 0, con1 = 0;
    if (fetch_counts(r->row, r->run, &req0, &con0) != 0) problem(&rep, "GET /counts failed before the send");

    LARGE_INTEGER freq, t0, t1;
    QueryPerformanceFrequency(&freq);
    g_deadline = (LONG64)(GetTickCount64() + (ULONGLONG)r->timeout_ms + WATCHDOG_EXTRA_MS);
    QueryPerformanceCounter(&t0);
    int returned = send_message(d, &hr);
    QueryPerformanceCounter(&t1);
    g_deadline = 0;
    r->elapsed_ms = (int)((t1.QuadPart - t0.QuadPart) * 1000 / freq.QuadPart);

    if (fetch_counts(r->row, r->run, &req1, &con1) != 0) problem(&rep, "GET /counts failed after the send");
    r->got_requests = req1 - req0;
    r->got_connections = con1 - con0;
    int status = last_status_of(d);
    r->got_status = status;
    BSTR text = last_error_of(d);
    size_t text_len = text ? SysStringLen(text) : 0;

    if (hr != S_OK) problem(&rep, "Invoke(Send) hr=%08lx (ThrowOnError is off: nothing may raise)", hr);
    else if (returned != status) problem(&rep, "Send returned %d but LastStatusCode is %d", returned, status);
    if (status != r->status) problem(&rep, "status %d, expected %d", status, r->status);
    const char *expected = r->run % 2 == 0 ? r->ru : r->en, *why = "";
    if (!text) {
        problem(&rep, "LastErrorText unreadable");
        r->got_text = _strdup("(unreadable)");
    } else if (contains_password(text, text_len)) {
        problem(&rep, "the error text contains the password (text withheld)");
        r->got_text = _strdup("(withheld: it contains the password)");
    } else {
        r->got_text = w_to_utf8(text, text_len);
        int m = text_matches(expected, r->detail, text, text_len, &why);
        if (m == 0) problem(&rep, "text %s: actual [%s], expected [%s]", why, r->got_text, expected);
        r->no_detail = m == 2;
    }
    if (r->got_requests != r->requests) problem(&rep, "the server read %lld requests, expected %d", r->got_requests, r->requests);
    if (r->https && r->got_connections != 1)
        problem(&rep, "%lld TLS connections, expected 1 (a certificate failure is not retried)", r->got_connections);
    /* The elapsed time is reported, never asserted: tests hold no wall-clock bounds (the status proves the timeout). */
    SysFreeString(text);
    IDispatch_Release(d);

    if (rep.problems) printf("FAIL %2d [%s] %s: %s\n", r->row, lang, r->name, rep.buf);
    else printf("PASS %2d [%s] %s: %d, requests %lld, %d ms / %d ms\n", r->row, lang, r->name, status, r->got_requests,
                r->elapsed_ms, r->timeout_ms);
    fflush(stdout);
    return rep.problems == 0;
}

/* A text for a markdown cell: 127.0.0.1:<port> as 127.0.0.1:PORT, '|' escaped. */
static void cell(FILE *f, const char *text)
{
    if (!text[0]) { fputs("(empty: success)", f); return; }
    for (const char *p = text; *p;) {
        if (strncmp(p, "127.0.0.1:", 10) == 0 && p[10] >= '0' && p[10] <= '9') {
            fputs("127.0.0.1:PORT", f);
            p += 10;
            while (*p >= '0' && *p <= '9') p++;
            continue;
        }
        if (*p == '|') fputc('\\', f);
        fputc(*p++, f);
    }
}

/* ---- main ------------------------------------------------------------------------------------------ */

int wmain(int argc, wchar_t **argv)
{
    if (argc < 2 || argc > 3) { fputs("usage: fault_client.exe MANIFEST [REPORT.md]\n", stderr); return 2; }
    const wchar_t *login = getenv_w(L"CB_LOGIN"), *password = getenv_w(L"CB_PASSWORD");
    if (!login || !password) { fputs("CB_LOGIN and CB_PASSWORD must be set\n", stderr); return 2; }
    g_password = password;

    char *data = read_file(argv[1], NULL);
    if (!data) { fputs("the manifest could not be read\n", stderr); return 2; }
    int rows = 0, runs = 0, count = 0, ended = 0, ok = 1;
    Run *all = NULL;
    char control[128] = "";
    for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
        size_t ln = strlen(line);
        if (ln && line[ln - 1] == '\r') line[--ln] = 0;
        char *tok[16];
        int nt = 0;
        /* split on spaces without strtok (strtok is in use for the lines) */
        for (char *p = line; *p && nt < 16;) {
            while (*p == ' ') *p++ = 0;
            if (!*p) break;
            tok[nt++] = p;
            while (*p && *p != ' ') p++;
        }
        if (nt == 0) continue;
        if (strcmp(tok[0], "FAULTS") == 0 && nt == 8 && !all) {
            rows = atoi(tok[1]);
            runs = atoi(tok[2]);
            snprintf(control, sizeof control, "%s", tok[3]);
            g_margin_ms = atoi(tok[4]);
            snprintf(g_line, sizeof g_line, "%s", tok[5]);
            snprintf(g_user, sizeof g_user, "%s", tok[6]);
            g_text = unhex(tok[7], &ok);
            if (rows < 1 || runs < 2 || runs > MAX_RUNS || !g_text || strncmp(control, "http://127.0.0.1:", 17) != 0) {
                fputs("bad manifest header\n", stderr);
                return 2;
            }
            g_control_port = (unsigned short)atoi(control + 17);
            all = (Run *)calloc((size_t)rows * runs, sizeof *all);
        } else if (strcmp(tok[0], "F") == 0 && nt == 14 && all && count < rows * runs) {
            Run *r = &all[count++];
            r->row = atoi(tok[1]);
            r->run = atoi(tok[2]);
            snprintf(r->url, sizeof r->url, "%s", tok[3]);
            r->timeout_ms = atoi(tok[4]);
            r->status = atoi(tok[5]);
            r->attempts = atoi(tok[6]);
            r->requests = atoi(tok[7]);
            r->https = atoi(tok[8]);
            r->body_length = strcmp(tok[9], "-") == 0 ? 0 : atoi(tok[9]);
            r->ru = unhex(tok[10], &ok);
            r->en = unhex(tok[11], &ok);
            r->detail = unhex(tok[12], &ok);
            r->name = unhex(tok[13], &ok);
            if (!ok || !r->ru || !r->en || !r->name || r->row != (count - 1) / runs + 1 || r->run != (count - 1) % runs ||
                strstr(r->url, "://127.0.0.1:") == NULL) {
                fprintf(stderr, "bad manifest line for row %d run %d\n", r->row, r->run);
                return 2;
            }
        } else if (strcmp(tok[0], "END") == 0 && nt == 1) {
            ended = 1;
        } else {
            fprintf(stderr, "unexpected manifest line (%s)\n", tok[0]);
            return 2;
        }
    }
    if (!ended || !all || count != rows * runs) { fprintf(stderr, "the manifest is truncated: %d of %d runs\n", count, rows * runs); return 2; }

    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) { fputs("WSAStartup failed\n", stderr); return 2; }
    HRESULT hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED); /* 1C's client threads are STA */
    if (FAILED(hr)) { fprintf(stderr, "CoInitializeEx: %08lx\n", hr); return 2; }
    CreateThread(NULL, 0, watchdog, NULL, 0, NULL);

    typedef const char *(CDECL * wine_get_version_fn)(void);
    wine_get_version_fn wine_get_version = (wine_get_version_fn)(void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version");
    static char wine[64];
    if (wine_get_version) { snprintf(wine, sizeof wine, "Wine %s", wine_get_version()); g_wine = wine; }
    printf("# fault matrix (COM): %d faults x %d languages, fault server control %s, %s\n", rows, runs, control,
           g_wine ? g_wine : "not Wine");
    /* Warm-up: the CLR starts inside the first object, so no row is timed on a cold runtime. */
    {
        IDispatch *d = create(&hr);
        if (!d) { fprintf(stderr, "the object could not be created: hr=%08lx\n", hr); return 2; }
        put_prop(d, L"BaseUrl", vstr(control));
        put_prop(d, L"Login", vstrw(login));
        put_prop(d, L"Password", vstrw(g_password));
        snprintf(g_running, sizeof g_running, "(warm-up)");
        g_deadline = (LONG64)(GetTickCount64() + 120000);
        int st = send_message(d, &hr);
        g_deadline = 0;
        IDispatch_Release(d);
        if (st != 200) { fprintf(stderr, "the warm-up Send to the fault server's control listener gave %d (hr=%08lx)\n", st, hr); return 2; }
    }

    int passed = 0, failed = 0;
    ULONGLONG started = GetTickCount64();
    for (int row = 0; row < rows; row++) {
        int row_ok = 1;
        for (int run = 0; run < runs; run++) {
            Run *r = &all[row * runs + run];
            snprintf(g_running, sizeof g_running, "%d [%s] %s", r->row, lang_of(run), r->name);
            fprintf(stderr, "running %s\n", g_running);
            fflush(stderr);
            row_ok &= run_one(r, login);
        }
        Run *first = &all[row * runs];
        if (first->attempts != first->requests && !first->https)
            printf("N/A  %2d %s: its %d attempts are not observable through COM (no request reaches the server, and the "
                   "object has no attempt count); status and text are checked\n", first->row, first->name, first->attempts);
        int no_detail = 0;
        for (int run = 0; run < runs; run++) no_detail |= first[run].no_detail;
        if (no_detail)
            printf("N/A  %2d %s: the platform detail, which must name %s, is absent under %s: .NET there gets "
                   "Win32Exception 0x80090302 (SEC_E_UNSUPPORTED_FUNCTION) from schannel's ApplyControlToken while it "
                   "sends the alert for the rejected certificate, not the AuthenticationException with the detail; "
                   "status -4, the text without \" ({detail})\", request and connection counts and time are checked\n",
                   first->row, first->name, first->detail ? first->detail : "the failure", g_wine);
        if (first->body_length)
            printf("N/A  %2d %s: the kept error-body length (%d bytes) is not observable through COM (the object has no "
                   "response body); status, text, request count and time are checked\n", first->row, first->name, first->body_length);
        if (row_ok) passed++; else failed++;
    }
    printf("# fault matrix (COM): %d faults, %d runs, %.1f s\n", rows, rows * runs, (GetTickCount64() - started) / 1000.0);

    if (argc == 3) {
        FILE *md = _wfopen(argv[2], L"wb");
        if (!md) { fputs("cannot write the report\n", stderr); return 2; }
        fprintf(md, "<!-- generated by tests/com/fault_client.c (tests/com/run.sh), COM under Wine -->\n");
        fprintf(md, "| # | fault | status | requests at server | slowest of %d runs / timeout | text (ru) | text (en) |\n", runs);
        fprintf(md, "|---|---|---|---|---|---|---|\n");
        for (int row = 0; row < rows; row++) {
            Run *r = &all[row * runs];
            int slowest = 0;
            for (int k = 0; k < runs; k++) if (r[k].elapsed_ms > slowest) slowest = r[k].elapsed_ms;
            fprintf(md, "| %d | %s | %d | %lld | %d ms / %d ms | ", r->row, r->name, r->got_status, r->got_requests, slowest, r->timeout_ms);
            cell(md, r[0].got_text ? r[0].got_text : "");
            fputs(" | ", md);
            cell(md, r[1].got_text ? r[1].got_text : "");
            fputs(" |\n", md);
        }
        fclose(md);
    }
    printf("%d passed, %d failed\n", passed, failed);
    fflush(stdout);
    CoUninitialize();
    WSACleanup();
    return failed ? 1 : 0;
}
