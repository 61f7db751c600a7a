/*
 * The bad-input corpus through real COM (issue 5): every case of the tests/corpus JSON files that lists the `com`
 * surface, run on Connect.Bridge.Sender under Wine the way 1C:Enterprise calls it - CLSIDFromProgID,
 * CoCreateInstance, GetIDsOfNames + IDispatch::Invoke by member name with VT_BSTR arguments. Built with
 * x86_64-w64-mingw32-gcc by tests/com/run.sh.
 *
 * Usage: corpus_client.exe CORPUS_FILE BASE_URL [ID_PREFIX...]
 *   CORPUS_FILE  the corpus flattened by tests/com/corpus_flatten.py (its header describes the format)
 *   BASE_URL     the emulator, http://127.0.0.1:PORT/ (nothing else: only loopback is ever contacted)
 *   ID_PREFIX    optional, for a person pinning a failure down: run only the cases whose id starts with one of
 *                these (run.sh passes none: it runs every case)
 * Credentials come from the environment (CB_LOGIN, CB_PASSWORD) and are never printed.
 *
 * For each case and each language (ru, en), as tests/corpus/README.md "Running a case" says: a fresh object;
 * presets BaseUrl, Login, Password, Language; the emulator's request count (GET /emulator/stats over Winsock on
 * 127.0.0.1); the steps in order (a property put succeeds with LastStatusCode 0, Send/DropKeyboard with 200..299),
 * stopping at the first that does not succeed; then the step index, the status (Send's return value and
 * LastStatusCode, which must agree), LastErrorText compared as UTF-16 with the expected UTF-8 text, and the growth
 * of the request count are compared with the case's expectation.
 *
 * Output (UTF-8): one "FAIL corpus <id> (<lang>): <detail>" line per failed case and language, lines starting
 * with "#" are information, and the last line is "N passed, N failed" (cases; a case passes when both languages
 * pass). Progress goes to stderr ("running <id> <lang>") so a crash or a hang can be pinned to its case.
 * Exit code 0 when every case passed, 1 when one failed, 2 when the run could not start, 3 when a case
 * did not finish within the watchdog bound (CASE_LIMIT_MS) - the process then exits so the suite never hangs.
 */
#include "com_util.h"

#ifndef CASE_LIMIT_MS
#define CASE_LIMIT_MS 120000 /* far above the sender's own 30 s timeout: only a real hang reaches it */
#endif

static const wchar_t *g_password;
static unsigned short g_port;

/* ---- output -------------------------------------------------------------------------------------- */

/* Appends to a growable wide buffer. */
typedef struct { wchar_t *p; size_t n, cap; } WBuf;
static void wb_add_n(WBuf *b, const wchar_t *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->n + n + 1) * 2;
        wchar_t *p = (wchar_t *)realloc(b->p, cap * sizeof(wchar_t));
        if (!p) return;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n * sizeof(wchar_t));
    b->n += n;
    b->p[b->n] = 0;
}
static void wb_add(WBuf *b, const wchar_t *s) { wb_add_n(b, s, wcslen(s)); }
static void wb_fmt(WBuf *b, const wchar_t *fmt, ...)
{
    wchar_t tmp[512];
    va_list ap;
    va_start(ap, fmt);
    _vsnwprintf(tmp, 511, fmt, ap);
    va_end(ap);
    tmp[511] = 0;
    wb_add(b, tmp);
}
/* A text for a failure line: in [brackets], control characters and NUL as \uXXXX, long texts cut. */
static void wb_quote(WBuf *b, const wchar_t *s, size_t n)
{
    wb_add(b, L"[");
    size_t shown = n > 600 ? 600 : n;
    for (size_t i = 0; i < shown; i++) {
        if (s[i] < 0x20 || s[i] == 0x7f || (s[i] >= 0xd800 && s[i] <= 0xdfff)) wb_fmt(b, L"\\u%04x", s[i]);
        else wb_add_n(b, &s[i], 1);
    }
    if (shown < n) wb_fmt(b, L"...(%u more)", (unsigned)(n - shown));
    wb_add(b, L"]");
}

/* ---- the flattened corpus ------------------------------------------------------------------------- */

/* Splits the next line off *cursor (in place); NULL at the end. */
static char *next_line(char **cursor)
{
    char *s = *cursor;
    if (!s || !*s) return NULL;
    char *e = strchr(s, '\n');
    if (e) { *e = 0; *cursor = e + 1; } else *cursor = s + strlen(s);
    size_t n = strlen(s);
    if (n && s[n - 1] == '\r') s[n - 1] = 0;
    return s;
}

/* Splits the line into space-separated fields (in place); returns their number. */
static int fields(char *line, char **f, int max)
{
    int n = 0;
    for (char *t = strtok(line, " "); t && n < max; t = strtok(NULL, " ")) f[n++] = t;
    return n;
}

/* A value ("." or COUNT*UNITS,...) as a BSTR of exactly those code units (U+0000 and lone surrogates kept). */
static BSTR decode_value(const char *s, int *ok)
{
    *ok = 1;
    if (strcmp(s, ".") == 0) return SysAllocStringLen(L"", 0);
    /* pass 1: the length */
    unsigned long long total = 0;
    for (const char *p = s; *p;) {
        char *end;
        unsigned long long count = strtoull(p, &end, 10);
        if (end == p || *end != '*') { *ok = 0; return NULL; }
        p = end + 1;
        size_t digits = strcspn(p, ",");
        if (digits == 0 || digits % 4) { *ok = 0; return NULL; }
        total += count * (digits / 4);
        p += digits;
        if (*p == ',') p++;
    }
    if (total > 4u * 1024 * 1024) { *ok = 0; return NULL; }
    BSTR b = SysAllocStringLen(NULL, (UINT)total);
    if (!b) { *ok = 0; return NULL; }
    /* pass 2: the units */
    size_t at = 0;
    for (const char *p = s; *p;) {
        char *end;
        unsigned long long count = strtoull(p, &end, 10);
        p = end + 1;
        size_t digits = strcspn(p, ",");
        size_t n = digits / 4, start = at;
        for (size_t i = 0; i < n; i++) {
            int a = hexval(p[4 * i]), c = hexval(p[4 * i + 1]), d = hexval(p[4 * i + 2]), e = hexval(p[4 * i + 3]);
            if (a < 0 || c < 0 || d < 0 || e < 0) { SysFreeString(b); *ok = 0; return NULL; }
            b[at++] = (wchar_t)((a << 12) | (c << 8) | (d << 4) | e);
        }
        for (unsigned long long k = 1; k < count; k++, at += n) memcpy(b + at, b + start, n * sizeof(wchar_t));
        if (count == 0) at = start;
        p += digits;
        if (*p == ',') p++;
    }
    b[at] = 0;
    return b;
}

/* An expected text (hex of UTF-8, "." when empty) as UTF-16; *len gets its length. */
static wchar_t *decode_text(const char *hex, size_t *len, int *ok)
{
    *ok = 1;
    *len = 0;
    if (strcmp(hex, ".") == 0) return _wcsdup(L"");
    size_t n = strlen(hex);
    if (n % 2) { *ok = 0; return NULL; }
    char *bytes = (char *)malloc(n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        int a = hexval(hex[2 * i]), b = hexval(hex[2 * i + 1]);
        if (a < 0 || b < 0) { free(bytes); *ok = 0; return NULL; }
        bytes[i] = (char)((a << 4) | b);
    }
    int wn = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, bytes, (int)(n / 2), NULL, 0);
    if (wn <= 0) { free(bytes); *ok = 0; return NULL; }
    wchar_t *w = (wchar_t *)malloc((wn + 1) * sizeof(wchar_t));
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, bytes, (int)(n / 2), w, wn);
    w[wn] = 0;
    *len = (size_t)wn;
    free(bytes);
    return w;
}

typedef struct {
    char kind;        /* 'P' property put, 'S' Send, 'D' DropKeyboard */
    wchar_t prop[32]; /* for 'P' */
    int argc;
    char *args[3];    /* encoded values, decoded when the step runs (a 1 MiB value is made only when needed) */
} Step;

typedef struct {
    char id[128];
    int nsteps, step, status, requests;
    wchar_t *ru, *en;
    size_t ru_len, en_len;
    Step *steps;
} Case;

/* ---- the emulator's request count: GET /emulator/stats on 127.0.0.1 ------------------------------ */

/* Returns the "requests" count, or -1 (with *why set) when the emulator could not be read. Bounded: 10 s timeouts. */
static long long emulator_requests(const wchar_t **why)
{
    char req[160];
    int rn = snprintf(req, sizeof req, "GET /emulator/stats HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n\r\n", g_port);
    char buf[8192];
    if (loopback_get(g_port, req, rn, buf, (int)sizeof buf, why) < 0) return -1;
    if (strncmp(buf, "HTTP/1.1 200", 12) != 0 && strncmp(buf, "HTTP/1.0 200", 12) != 0) { *why = L"no 200 answer"; return -1; }
    char *body = strstr(buf, "\r\n\r\n");
    char *k = body ? strstr(body, "\"requests\"") : NULL;
    if (!k) { *why = L"no \"requests\" in the answer"; return -1; }
    k += 10;
    while (*k == ' ' || *k == ':') k++;
    if (*k < '0' || *k > '9') { *why = L"\"requests\" is not a number"; return -1; }
    return strtoll(k, NULL, 10);
}

/* ---- IDispatch by name ------------------------------------------------------------------------- */

/* Puts a string property (takes ownership of b); returns the HRESULT. */
static HRESULT put_str(IDispatch *d, const wchar_t *name, BSTR b) { return put_prop(d, name, vbstr(b)); }

/* ---- the watchdog ------------------------------------------------------------------------------ */

static volatile LONG64 g_case_started; /* GetTickCount64 at the start of the running case, 0 between cases */
static char g_running[160];

static DWORD WINAPI watchdog(LPVOID unused)
{
    for (;;) {
        Sleep(1000);
        ULONGLONG started = (ULONGLONG)g_case_started;
        if (started && GetTickCount64() - started > CASE_LIMIT_MS) {
            printf("FAIL corpus %s: did not finish within %d s (a hang through COM)\n", g_running, CASE_LIMIT_MS / 1000);
            fflush(stdout);
            ExitProcess(3);
        }
    }
    return 0;
}

/* ---- one case in one language ------------------------------------------------------------------ */

static int contains_password(const wchar_t *s, size_t n) { return w_contains(s, n, g_password); }

/* Runs the case; returns 1 when it matched, else 0 with the reason in *detail. */
static int run_case(const Case *c, const wchar_t *lang, const wchar_t *baseUrl, const wchar_t *login, WBuf *detail)
{
    CLSID clsid;
    IDispatch *d = NULL;
    HRESULT hr = CLSIDFromProgID(L"Connect.Bridge.Sender", &clsid);
    if (SUCCEEDED(hr)) hr = CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&d);
    if (FAILED(hr) || !d) { wb_fmt(detail, L"the object could not be created: hr=%08lx", hr); return 0; }

    int ok = 0;
    BSTR text = NULL;
    /* presets: BaseUrl, Login, Password, Language */
    const wchar_t *names[4] = {L"BaseUrl", L"Login", L"Password", L"Language"};
    const wchar_t *values[4] = {baseUrl, login, g_password, lang};
    for (int i = 0; i < 4; i++) {
        hr = put_str(d, names[i], SysAllocString(values[i]));
        int st = last_status_of(d);
        if (hr != S_OK || st != 0) { wb_fmt(detail, L"preset %ls: hr=%08lx LastStatusCode=%d", names[i], hr, st); goto done; }
    }

    const wchar_t *why = L"";
    long long before = emulator_requests(&why);
    if (before < 0) { wb_fmt(detail, L"cannot read the emulator's request count: %ls", why); goto done; }

    int at = -1, status = INT_MIN;
    for (int i = 0; i < c->nsteps; i++) {
        const Step *s = &c->steps[i];
        VARIANT args[3];
        int argc = s->kind == 'P' ? 1 : s->argc, good = 1;
        for (int k = 0; k < argc; k++) {
            int vok;
            BSTR b = decode_value(s->args[k], &vok);
            args[k] = vbstr(b);
            if (!vok) good = 0;
        }
        if (!good) {
            for (int k = 0; k < argc; k++) VariantClear(&args[k]);
            wb_fmt(detail, L"step %d: a value of the flattened corpus does not decode", i);
            goto done;
        }
        Result r = invoke(d, s->kind == 'P' ? s->prop : s->kind == 'S' ? L"Send" : L"DropKeyboard",
                          s->kind == 'P' ? DISPATCH_PROPERTYPUT : DISPATCH_METHOD, argc, args);
        for (int k = 0; k < argc; k++) VariantClear(&args[k]);
        status = last_status_of(d);
        if (r.hr != S_OK) {
            wb_fmt(detail, L"step %d (%ls): Invoke hr=%08lx (ThrowOnError is off: nothing may raise), LastStatusCode=%d", i,
                   s->kind == 'P' ? s->prop : s->kind == 'S' ? L"Send" : L"DropKeyboard", r.hr, status);
            if (r.ei.bstrDescription) { wb_add(detail, L", exception "); wb_quote(detail, r.ei.bstrDescription, SysStringLen(r.ei.bstrDescription)); }
            clear_result(&r);
            goto done;
        }
        if (s->kind != 'P') {
            int returned = r.v.vt == VT_I4 ? r.v.lVal : INT_MIN;
            if (r.v.vt != VT_I4 || returned != status) {
                wb_fmt(detail, L"step %d: %ls returned vt=%d value=%d but LastStatusCode=%d", i,
                       s->kind == 'S' ? L"Send" : L"DropKeyboard", r.v.vt, returned, status);
                clear_result(&r);
                goto done;
            }
        }
        clear_result(&r);
        at = i;
        int succeeded = s->kind == 'P' ? status == 0 : (status >= 200 && status < 300);
        if (!succeeded) break;
    }
    text = last_error_of(d);

    const wchar_t *why2 = L"";
    long long after = emulator_requests(&why2);
    if (after < 0) { wb_fmt(detail, L"cannot read the emulator's request count: %ls", why2); goto done; }
    long long requests = after - before;

    const wchar_t *want = wcscmp(lang, L"ru") == 0 ? c->ru : c->en;
    size_t want_len = wcscmp(lang, L"ru") == 0 ? c->ru_len : c->en_len;
    size_t text_len = text ? SysStringLen(text) : 0;
    int text_ok = text && text_len == want_len && memcmp(text, want, want_len * sizeof(wchar_t)) == 0;
    ok = at == c->step && status == c->status && requests == c->requests && text_ok;
    if (!ok) {
        wb_fmt(detail, L"got step %d status %d requests %lld text ", at, status, requests);
        if (!text) wb_add(detail, L"(LastErrorText unreadable)");
        else if (contains_password(text, text_len)) wb_add(detail, L"(withheld: it contains the password)");
        else wb_quote(detail, text, text_len);
        wb_fmt(detail, L"; expected step %d status %d requests %d text ", c->step, c->status, c->requests);
        wb_quote(detail, want, want_len);
    }
done:
    SysFreeString(text);
    IDispatch_Release(d);
    return ok;
}

/* ---- main -------------------------------------------------------------------------------------- */

static int load(char *data, Case **out, int *count)
{
    char *cursor = data, *line, *f[10];
    line = next_line(&cursor);
    if (!line || fields(line, f, 10) != 2 || strcmp(f[0], "CORPUS") != 0) return 0;
    int n = atoi(f[1]);
    if (n <= 0) return 0;
    Case *cases = (Case *)calloc(n, sizeof(Case));
    for (int i = 0; i < n; i++) {
        Case *c = &cases[i];
        line = next_line(&cursor);
        if (!line || fields(line, f, 10) != 8 || strcmp(f[0], "CASE") != 0 || strlen(f[1]) >= sizeof c->id) return 0;
        strcpy(c->id, f[1]);
        c->nsteps = atoi(f[2]);
        c->step = atoi(f[3]);
        c->status = atoi(f[4]);
        c->requests = atoi(f[5]);
        int ok1, ok2;
        c->ru = decode_text(f[6], &c->ru_len, &ok1);
        c->en = decode_text(f[7], &c->en_len, &ok2);
        if (!ok1 || !ok2 || c->nsteps <= 0 || c->nsteps > 100) return 0;
        c->steps = (Step *)calloc(c->nsteps, sizeof(Step));
        for (int k = 0; k < c->nsteps; k++) {
            Step *s = &c->steps[k];
            line = next_line(&cursor);
            int nf = line ? fields(line, f, 10) : 0;
            if (nf == 3 && strcmp(f[0], "P") == 0 && strlen(f[1]) < 32) {
                s->kind = 'P';
                MultiByteToWideChar(CP_UTF8, 0, f[1], -1, s->prop, 32);
                s->argc = 1;
                s->args[0] = f[2];
            } else if (nf == 4 && strcmp(f[0], "S") == 0) {
                s->kind = 'S';
                s->argc = 3;
                for (int j = 0; j < 3; j++) s->args[j] = f[1 + j];
            } else if (nf == 3 && strcmp(f[0], "D") == 0) {
                s->kind = 'D';
                s->argc = 2;
                for (int j = 0; j < 2; j++) s->args[j] = f[1 + j];
            } else {
                return 0;
            }
        }
        line = next_line(&cursor);
        if (!line || strcmp(line, "END") != 0) return 0;
    }
    *out = cases;
    *count = n;
    return 1;
}

int wmain(int argc, wchar_t **argv)
{
    if (argc < 3) {
        fputs("usage: corpus_client.exe CORPUS_FILE BASE_URL\n", stderr);
        return 2;
    }
    const wchar_t *baseUrl = argv[2];
    const wchar_t *login = getenv_w(L"CB_LOGIN"), *password = getenv_w(L"CB_PASSWORD");
    if (!login || !password) { fputs("CB_LOGIN and CB_PASSWORD must be set\n", stderr); return 2; }
    g_password = password;
    if (wcsncmp(baseUrl, L"http://127.0.0.1:", 17) != 0 || (g_port = (unsigned short)wcstoul(baseUrl + 17, NULL, 10)) == 0) {
        fputs("BASE_URL must be http://127.0.0.1:PORT/\n", stderr);
        return 2;
    }

    size_t size = 0;
    char *data = read_file(argv[1], &size);
    Case *cases = NULL;
    int n = 0;
    if (!data || !load(data, &cases, &n)) { fputs("the flattened corpus could not be read\n", stderr); return 2; }

    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) { fputs("WSAStartup failed\n", stderr); return 2; }
    HRESULT hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED); /* 1C's client threads are STA */
    if (FAILED(hr)) { fprintf(stderr, "CoInitializeEx: %08lx\n", hr); return 2; }
    CreateThread(NULL, 0, watchdog, NULL, 0, NULL);

    static const wchar_t *langs[2] = {L"ru", L"en"};
    static const char *langs_a[2] = {"ru", "en"};
    int passed = 0, failed = 0;
    for (int i = 0; i < n; i++) {
        int selected = argc <= 3;
        for (int a = 3; a < argc && !selected; a++) {
            char prefix[128];
            WideCharToMultiByte(CP_UTF8, 0, argv[a], -1, prefix, sizeof prefix, NULL, NULL);
            prefix[127] = 0;
            selected = strncmp(cases[i].id, prefix, strlen(prefix)) == 0;
        }
        if (!selected) continue;
        int case_ok = 1;
        for (int l = 0; l < 2; l++) {
            snprintf(g_running, sizeof g_running, "%s (%s)", cases[i].id, langs_a[l]);
            fprintf(stderr, "running %s\n", g_running);
            fflush(stderr);
            g_case_started = (LONG64)GetTickCount64();
            WBuf detail = {0};
            int ok = run_case(&cases[i], langs[l], baseUrl, login, &detail);
            g_case_started = 0;
            if (!ok) {
                case_ok = 0;
                printf("FAIL corpus %s: ", g_running);
                if (detail.p && contains_password(detail.p, detail.n)) fputs("(detail withheld: it contained the password)", stdout);
                else if (detail.p) out_utf8_n(stdout, detail.p, detail.n);
                fputs("\n", stdout);
                fflush(stdout);
            }
            free(detail.p);
        }
        if (case_ok) passed++; else failed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    fflush(stdout);
    CoUninitialize();
    WSACleanup();
    return failed ? 1 : 0;
}
