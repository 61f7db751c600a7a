/*
 * Real-COM client for Connect.Bridge.Sender, built with x86_64-w64-mingw32-gcc and run under Wine by
 * ./build.sh test com. It does what 1C:Enterprise does: CLSIDFromProgID, CoCreateInstance, then
 * GetIDsOfNames + IDispatch::Invoke by member name with VT_BSTR / VT_I4 / VT_R8 / VT_BOOL / VT_EMPTY
 * arguments.
 *
 * Usage: client.exe BASE_URL LINE FORBIDDEN_LINE USER URL_400 URL_CLOSED
 *   BASE_URL    the emulator (http://127.0.0.1:PORT/)
 *   LINE        a line the emulator accepts; FORBIDDEN_LINE one it answers 403 for
 *   URL_400     a loopback server that answers every POST with 400 and a JSON error body
 *   URL_CLOSED  a loopback port nobody listens on
 * Credentials come from the environment (CB_LOGIN, CB_PASSWORD) and are never printed.
 *
 * Output: one line per check, "PASS <name>" or "FAIL <name>: <detail>" (UTF-8). Exit code 0 when every
 * check passed, 1 otherwise, 2 when the object could not be created at all.
 */
#include "com_util.h"

/* {F7F0E9EF-BE89-4828-A961-7E5BC01435CA}: the fixed CLSID of Connect.Bridge.Sender */
static const CLSID CLSID_Sender = {0xf7f0e9ef, 0xbe89, 0x4828, {0xa9, 0x61, 0x7e, 0x5b, 0xc0, 0x14, 0x35, 0xca}};
#define CLSID_SENDER_TEXT L"{F7F0E9EF-BE89-4828-A961-7E5BC01435CA}"

/* Cyrillic strings as escapes so the source's encoding cannot matter. */
/* "Привет, мир! Ёё — проверка" (run.sh checks the emulator recorded exactly this) */
#define TEXT_RU L"\x041f\x0440\x0438\x0432\x0435\x0442, \x043c\x0438\x0440! \x0401\x0451 \x2014 \x043f\x0440\x043e\x0432\x0435\x0440\x043a\x0430"
#define RU_YES L"\x0414\x0430"                                     /* Да */
#define RU_NO L"\x041d\x0435\x0442"                                /* Нет */
#define RU_OPERATOR L"\x041f\x043e\x0437\x0432\x0430\x0442\x044c \x043e\x043f\x0435\x0440\x0430\x0442\x043e\x0440\x0430" /* Позвать оператора */
#define RU_MORE L"\x0415\x0449\x0451"                              /* Ещё */
#define ROWS_RU RU_YES L"|" RU_NO L"\n" RU_OPERATOR

static int passed, failed;
static const wchar_t *g_password;

static void out_utf8(const wchar_t *s)
{
    if (!s) s = L"(null)";
    out_utf8_n(stdout, s, wcslen(s));
}

/* Records one check. The detail is printed only on failure and never contains the password. */
static void check(int ok, const wchar_t *name, const wchar_t *fmt, ...)
{
    wchar_t detail[2048] = L"";
    if (!ok && fmt) {
        va_list ap;
        va_start(ap, fmt);
        _vsnwprintf(detail, 2047, fmt, ap);
        va_end(ap);
        detail[2047] = 0;
        if (g_password && *g_password && wcsstr(detail, g_password)) wcscpy(detail, L"(detail withheld: it contained the password)");
    }
    fputs(ok ? "PASS " : "FAIL ", stdout);
    out_utf8(name);
    if (!ok && *detail) { fputs(": ", stdout); out_utf8(detail); }
    fputs("\n", stdout);
    fflush(stdout);
    if (ok) passed++; else failed++;
}

/* ---- IDispatch by name ------------------------------------------------------------------------ */

static IDispatch *S; /* the object under test */

static VARIANT vstr(const wchar_t *s) { VARIANT v; VariantInit(&v); v.vt = VT_BSTR; v.bstrVal = SysAllocString(s); return v; }
static VARIANT vdbl(double d) { VARIANT v; VariantInit(&v); v.vt = VT_R8; v.dblVal = d; return v; }
static VARIANT vbool(int b) { VARIANT v; VariantInit(&v); v.vt = VT_BOOL; v.boolVal = b ? VARIANT_TRUE : VARIANT_FALSE; return v; }
static VARIANT vempty(void) { VARIANT v; VariantInit(&v); return v; }

static void free_args(int argc, VARIANT *args) { for (int i = 0; i < argc; i++) VariantClear(&args[i]); }

/* Property put; consumes the value. Returns the HRESULT. */
static HRESULT put_on(IDispatch *d, const wchar_t *name, VARIANT value, Result *keep)
{
    Result r = invoke(d, name, DISPATCH_PROPERTYPUT, 1, &value);
    VariantClear(&value);
    HRESULT hr = r.hr;
    if (keep) *keep = r; else clear_result(&r);
    return hr;
}
static HRESULT put(const wchar_t *name, VARIANT value) { return put_on(S, name, value, NULL); }

/* Property get (as 1C does it: DISPATCH_PROPERTYGET). */
static Result get(const wchar_t *name) { return invoke(S, name, DISPATCH_PROPERTYGET, 0, NULL); }

/* Reads a string property; returns a copy the caller frees, or NULL when the call failed or the type was not VT_BSTR. */
static wchar_t *get_str_on(IDispatch *d, const wchar_t *name, VARTYPE *vt)
{
    Result r = invoke(d, name, DISPATCH_PROPERTYGET, 0, NULL);
    wchar_t *s = NULL;
    if (vt) *vt = r.v.vt;
    if (SUCCEEDED(r.hr) && r.v.vt == VT_BSTR) s = _wcsdup(r.v.bstrVal ? r.v.bstrVal : L"");
    clear_result(&r);
    return s;
}
static wchar_t *get_str(const wchar_t *name, VARTYPE *vt) { return get_str_on(S, name, vt); }

/* A property's value when it has the type wanted (VT_I4, VT_R8 or VT_BOOL: nothing to free), else VT_EMPTY. */
static VARIANT get_scalar(const wchar_t *name, VARTYPE want, VARTYPE *vt)
{
    Result r = get(name);
    VARIANT v;
    VariantInit(&v);
    if (vt) *vt = r.v.vt;
    if (SUCCEEDED(r.hr) && r.v.vt == want) v = r.v;
    clear_result(&r);
    return v;
}

/* -999999 when the call failed or the type was not VT_I4. */
static int get_int(const wchar_t *name, VARTYPE *vt)
{
    VARIANT v = get_scalar(name, VT_I4, vt);
    return v.vt == VT_I4 ? v.lVal : -999999;
}

/* -999999 when the call failed or the type was not VT_R8. */
static double get_dbl(const wchar_t *name, VARTYPE *vt)
{
    VARIANT v = get_scalar(name, VT_R8, vt);
    return v.vt == VT_R8 ? v.dblVal : -999999;
}

/* 1 / 0; -1 when the call failed or the type was not VT_BOOL, -2 for a VT_BOOL that is neither true nor false. */
static int get_bool(const wchar_t *name, VARTYPE *vt)
{
    VARIANT v = get_scalar(name, VT_BOOL, vt);
    return v.vt != VT_BOOL ? -1 : v.boolVal == VARIANT_TRUE ? 1 : v.boolVal == VARIANT_FALSE ? 0 : -2;
}

static int last_status(void) { return get_int(L"LastStatusCode", NULL); }

static wchar_t *last_error(void)
{
    wchar_t *s = get_str(L"LastErrorText", NULL);
    return s ? s : _wcsdup(L"(LastErrorText unreadable)");
}

/* Calls a method returning int; consumes args. */
static Result call(const wchar_t *name, int argc, VARIANT *args)
{
    Result r = invoke(S, name, DISPATCH_METHOD, argc, args);
    free_args(argc, args);
    return r;
}

static int streq(const wchar_t *a, const wchar_t *b) { return a && b && wcscmp(a, b) == 0; }

/* Normalizes a rows-form keyboard for comparison: no CR, no blanks around "|" or at line ends
   (the core may render "A | B"; the rows form trims button text, so both spellings are the same keyboard). */
static void rows_norm(const wchar_t *in, wchar_t *out, size_t cap)
{
    size_t n = 0;
    for (; *in && n + 1 < cap; in++) {
        if (*in == L'\r') continue;
        if (*in == L' ' || *in == L'\t') {
            const wchar_t *p = in;
            while (*p == L' ' || *p == L'\t') p++;
            if (*p == L'|' || *p == L'\n' || *p == L'\r' || *p == 0 || n == 0 || out[n - 1] == L'|' || out[n - 1] == L'\n') {
                in = p - 1;
                continue;
            }
        }
        out[n++] = *in;
    }
    out[n] = 0;
}

static int rows_eq(const wchar_t *a, const wchar_t *b)
{
    static wchar_t na[4096], nb[4096];
    if (!a || !b) return 0;
    rows_norm(a, na, 4096);
    rows_norm(b, nb, 4096);
    return wcscmp(na, nb) == 0;
}

static int is_cyrillic(wchar_t c) { return c >= 0x0400 && c <= 0x04FF; }

static int no_password(const wchar_t *s) { return !(g_password && *g_password && s && wcsstr(s, g_password)); }

/* The single outcome check used for every Send/DropKeyboard with ThrowOnError false. */
static int expect_status(const wchar_t *name, Result r, int expected)
{
    int got = (SUCCEEDED(r.hr) && r.v.vt == VT_I4) ? r.v.lVal : -999999;
    int ls = last_status();
    wchar_t *err = last_error();
    int ok = SUCCEEDED(r.hr) && r.v.vt == VT_I4 && got == expected && ls == expected && no_password(err);
    check(ok, name, L"hr=%08lx vt=%d returned=%d LastStatusCode=%d LastErrorText=[%ls]", r.hr, r.v.vt, got, ls, err);
    free(err);
    clear_result(&r);
    return ok;
}

int wmain(int argc, wchar_t **argv)
{
    if (argc < 7) {
        fputs("usage: client.exe BASE_URL LINE FORBIDDEN_LINE USER URL_400 URL_CLOSED\n", stderr);
        return 2;
    }
    const wchar_t *baseUrl = argv[1], *line = argv[2], *forbiddenLine = argv[3], *user = argv[4];
    const wchar_t *url400 = argv[5], *urlClosed = argv[6];
    const wchar_t *login = getenv_w(L"CB_LOGIN"), *password = getenv_w(L"CB_PASSWORD");
    if (!login || !password) { fputs("CB_LOGIN and CB_PASSWORD must be set\n", stderr); return 2; }
    g_password = password;

    HRESULT hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED); /* 1C's client threads are STA */
    check(SUCCEEDED(hr), L"CoInitializeEx", L"hr=%08lx", hr);

    /* ---- registration and creation ---- */
    CLSID clsid;
    hr = CLSIDFromProgID(L"Connect.Bridge.Sender", &clsid);
    check(SUCCEEDED(hr) && IsEqualCLSID(&clsid, &CLSID_Sender), L"CLSIDFromProgID(Connect.Bridge.Sender) gives the fixed CLSID",
          L"hr=%08lx", hr);

    {
        wchar_t tm[64] = L"";
        DWORD cb = sizeof tm;
        LONG rc = RegGetValueW(HKEY_CLASSES_ROOT, L"CLSID\\" CLSID_SENDER_TEXT L"\\InProcServer32", L"ThreadingModel",
                               RRF_RT_REG_SZ, NULL, tm, &cb);
        check(rc == ERROR_SUCCESS && wcscmp(tm, L"Both") == 0, L"registry: InProcServer32 ThreadingModel=Both",
              L"rc=%ld value=[%ls]", rc, tm);
        wchar_t server[MAX_PATH] = L"";
        cb = sizeof server;
        rc = RegGetValueW(HKEY_CLASSES_ROOT, L"CLSID\\" CLSID_SENDER_TEXT L"\\InProcServer32", NULL, RRF_RT_REG_SZ, NULL, server, &cb);
        check(rc == ERROR_SUCCESS && wcsstr(server, L"comhost.dll") != NULL, L"registry: InProcServer32 is the comhost",
              L"rc=%ld value=[%ls]", rc, server);
    }

    hr = CoCreateInstance(&CLSID_Sender, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&S);
    check(SUCCEEDED(hr) && S, L"CoCreateInstance(IID_IDispatch)", L"hr=%08lx", hr);

    {
        IUnknown *unk = NULL;
        IDispatch *d2 = NULL;
        hr = CoCreateInstance(&CLSID_Sender, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, (void **)&unk);
        check(SUCCEEDED(hr) && unk, L"CoCreateInstance(IID_IUnknown)", L"hr=%08lx", hr);
        if (unk) {
            hr = IUnknown_QueryInterface(unk, &IID_IDispatch, (void **)&d2);
            check(SUCCEEDED(hr) && d2, L"QueryInterface(IID_IDispatch) on the IUnknown", L"hr=%08lx", hr);
            IUnknown_Release(unk);
        }
        if (d2) {
            VARTYPE vt = 0;
            wchar_t *v = get_str_on(d2, L"Version", &vt);
            check(v && *v, L"Version through the QueryInterface'd IDispatch", L"vt=%d", vt);
            free(v);
            if (S) {
                /* The two objects are independent: a setting on one does not show on the other. */
                put_on(d2, L"Login", vstr(L"other-object"), NULL);
                wchar_t *mine = get_str(L"Login", NULL);
                check(mine && !streq(mine, L"other-object"), L"two instances do not share state", L"first instance Login=[%ls]", mine);
                free(mine);
                IDispatch_Release(d2);
            } else {
                S = d2; /* go on with the QueryInterface'd object so the other checks still run */
            }
        }
    }
    if (!S) {
        printf("%d passed, %d failed\n", passed, failed);
        return 2;
    }

    /* ---- every member resolves by name ---- */
    static const wchar_t *members[] = {
        L"BaseUrl", L"Login", L"Password", L"TimeoutSeconds", L"Language", L"AuthorId", L"GeneralSettings",
        L"ProxyUrl", L"ProxyLogin", L"ProxyPassword", L"ProxyUseDefaultCredentials", L"MaxRetries",
        L"RetryDelaySeconds", L"AllowInsecureHttp", L"ThrowOnError", L"LogFile", L"KeyboardJson", L"KeyboardRows", L"LastStatusCode", L"LastErrorText", L"IsSuccess", L"Version",
        L"Send", L"DropKeyboard", L"AddKeyboardRow", L"ClearKeyboard"};
    for (size_t i = 0; i < sizeof members / sizeof *members; i++) {
        DISPID id = 0;
        hr = dispid_of(S, members[i], &id);
        wchar_t name[128];
        _snwprintf(name, 127, L"GetIDsOfNames(%ls)", members[i]);
        name[127] = 0;
        check(SUCCEEDED(hr), name, L"hr=%08lx", hr);
    }
    {
        DISPID id = 0;
        hr = dispid_of(S, L"NoSuchMember", &id);
        check(hr == DISP_E_UNKNOWNNAME, L"GetIDsOfNames(NoSuchMember) is DISP_E_UNKNOWNNAME", L"hr=%08lx", hr);
        DISPID a = 0, b = 0;
        HRESULT h1 = dispid_of(S, L"Send", &a), h2 = dispid_of(S, L"SEND", &b);
        check(SUCCEEDED(h1) && SUCCEEDED(h2) && a == b, L"GetIDsOfNames is case-insensitive (SEND = Send)", L"hr=%08lx/%08lx id=%ld/%ld", h1, h2, a, b);
    }

    /* ---- defaults and types of the read-only properties ---- */
    {
        VARTYPE vt = 0;
        wchar_t *v = get_str(L"Version", &vt);
        check(v && *v && vt == VT_BSTR, L"Version is a non-empty VT_BSTR", L"vt=%d", vt);
        free(v);
        int b = get_bool(L"ThrowOnError", &vt);
        check(b == 0 && vt == VT_BOOL, L"ThrowOnError defaults to false (VT_BOOL)", L"vt=%d value=%d", vt, b);
        int i = get_int(L"LastStatusCode", &vt);
        check(i == 0 && vt == VT_I4, L"LastStatusCode starts at 0 (VT_I4)", L"vt=%d value=%d", vt, i);
        v = get_str(L"LastErrorText", &vt);
        check(v && !*v && vt == VT_BSTR, L"LastErrorText starts empty (VT_BSTR)", L"vt=%d value=[%ls]", vt, v);
        free(v);
        b = get_bool(L"IsSuccess", &vt);
        check(b >= 0 && vt == VT_BOOL, L"IsSuccess is VT_BOOL", L"vt=%d", vt);
        i = get_int(L"TimeoutSeconds", &vt);
        check(i == 30 && vt == VT_I4, L"TimeoutSeconds defaults to 30 (VT_I4)", L"vt=%d value=%d", vt, i);
        i = get_int(L"MaxRetries", &vt);
        check(i == 2 && vt == VT_I4, L"MaxRetries defaults to 2 (VT_I4)", L"vt=%d value=%d", vt, i);
        double d = get_dbl(L"RetryDelaySeconds", &vt);
        check(d == 0.25 && vt == VT_R8, L"RetryDelaySeconds defaults to 0.25 (VT_R8)", L"vt=%d value=%g", vt, d);
        v = get_str(L"Language", &vt);
        check(streq(v, L"ru"), L"Language defaults to ru", L"vt=%d value=[%ls]", vt, v);
        free(v);
        v = get_str(L"BaseUrl", &vt);
        check(v && wcsncmp(v, L"https://push.1c-connect.com", 27) == 0, L"BaseUrl defaults to https://push.1c-connect.com",
              L"vt=%d value=[%ls]", vt, v);
        free(v);
        static const wchar_t *emptyStrings[] = {L"AuthorId", L"ProxyUrl", L"ProxyLogin", L"Password", L"ProxyPassword",
                                                L"KeyboardJson", L"KeyboardRows"};
        for (size_t k = 0; k < sizeof emptyStrings / sizeof *emptyStrings; k++) {
            wchar_t name[128];
            _snwprintf(name, 127, L"%ls starts as an empty VT_BSTR", emptyStrings[k]);
            name[127] = 0;
            v = get_str(emptyStrings[k], &vt);
            check(v && !*v && vt == VT_BSTR, name, L"vt=%d value=[%ls]", vt, v);
            free(v);
        }
        b = get_bool(L"GeneralSettings", &vt);
        check(vt == VT_EMPTY, L"GeneralSettings defaults to omitted (VT_EMPTY)", L"vt=%d value=%d", vt, b);
        b = get_bool(L"AllowInsecureHttp", &vt);
        check(b == 0 && vt == VT_BOOL, L"AllowInsecureHttp defaults to false (VT_BOOL)", L"vt=%d value=%d", vt, b);
    }

    /* ---- read/write property round trips ---- */
    {
        VARTYPE vt = 0;
        wchar_t *v;
#define STR_ROUND_TRIP(prop, value, label)                                                                     \
    do {                                                                                                       \
        hr = put(prop, vstr(value));                                                                           \
        v = get_str(prop, &vt);                                                                                \
        int st_ = last_status();                                                                               \
        check(SUCCEEDED(hr) && streq(v, value) && st_ == 0, label, L"hr=%08lx vt=%d value=[%ls] LastStatusCode=%d", hr, vt, v, st_); \
        free(v);                                                                                               \
    } while (0)
        STR_ROUND_TRIP(L"BaseUrl", baseUrl, L"BaseUrl round trip");
        STR_ROUND_TRIP(L"Login", login, L"Login round trip");
        STR_ROUND_TRIP(L"ProxyLogin", L"proxy-user", L"ProxyLogin round trip");
        STR_ROUND_TRIP(L"ProxyLogin", L"", L"ProxyLogin cleared with \"\"");
        STR_ROUND_TRIP(L"AuthorId", L"9a1f7c2e-3b4d-4e5f-8a6b-7c8d9e0f1a2b", L"AuthorId round trip");
        STR_ROUND_TRIP(L"AuthorId", L"", L"AuthorId cleared with \"\"");
        STR_ROUND_TRIP(L"Language", L"en", L"Language round trip (en)");
        STR_ROUND_TRIP(L"Language", L"ru", L"Language round trip (ru)");

        hr = put(L"ProxyUrl", vstr(L"http://127.0.0.1:3128/"));
        v = get_str(L"ProxyUrl", &vt);
        check(SUCCEEDED(hr) && v && wcsncmp(v, L"http://127.0.0.1:3128", 21) == 0, L"ProxyUrl round trip", L"hr=%08lx value=[%ls]", hr, v);
        free(v);
        STR_ROUND_TRIP(L"ProxyUrl", L"", L"ProxyUrl cleared with \"\"");

        hr = put(L"Password", vstr(password));
        v = get_str(L"Password", &vt);
        check(SUCCEEDED(hr) && v && !*v && vt == VT_BSTR, L"Password is write-only (reads back \"\")", L"hr=%08lx vt=%d len=%d", hr, vt, v ? (int)wcslen(v) : -1);
        free(v);
        hr = put(L"ProxyPassword", vstr(L"proxy-secret"));
        v = get_str(L"ProxyPassword", &vt);
        check(SUCCEEDED(hr) && v && !*v, L"ProxyPassword is write-only (reads back \"\")", L"hr=%08lx len=%d", hr, v ? (int)wcslen(v) : -1);
        free(v);
        put(L"ProxyPassword", vstr(L""));

        hr = put(L"TimeoutSeconds", vint(15));
        int i = get_int(L"TimeoutSeconds", &vt);
        check(SUCCEEDED(hr) && i == 15, L"TimeoutSeconds round trip (VT_I4)", L"hr=%08lx vt=%d value=%d", hr, vt, i);
        hr = put(L"TimeoutSeconds", vdbl(20.0));
        i = get_int(L"TimeoutSeconds", &vt);
        check(SUCCEEDED(hr) && i == 20 && vt == VT_I4, L"TimeoutSeconds accepts a whole VT_R8", L"hr=%08lx vt=%d value=%d", hr, vt, i);
        hr = put(L"MaxRetries", vint(0));
        i = get_int(L"MaxRetries", &vt);
        check(SUCCEEDED(hr) && i == 0, L"MaxRetries round trip", L"hr=%08lx vt=%d value=%d", hr, vt, i);
        hr = put(L"RetryDelaySeconds", vdbl(1.5));
        double d = get_dbl(L"RetryDelaySeconds", &vt);
        check(SUCCEEDED(hr) && d == 1.5 && vt == VT_R8, L"RetryDelaySeconds round trip (VT_R8 1.5)", L"hr=%08lx vt=%d value=%g", hr, vt, d);
        hr = put(L"RetryDelaySeconds", vint(2));
        i = get_int(L"RetryDelaySeconds", &vt);
        check(SUCCEEDED(hr) && i == 2 && vt == VT_I4, L"RetryDelaySeconds round trip (VT_I4 2)", L"hr=%08lx vt=%d value=%d", hr, vt, i);
        put(L"RetryDelaySeconds", vdbl(0.25));

        static const wchar_t *bools[] = {L"GeneralSettings", L"AllowInsecureHttp", L"ThrowOnError", L"ProxyUseDefaultCredentials"};
        for (size_t k = 0; k < sizeof bools / sizeof *bools; k++) {
            HRESULT h1 = put(bools[k], vbool(1));
            int b1 = get_bool(bools[k], &vt);
            HRESULT h2 = put(bools[k], vbool(0));
            int b2 = get_bool(bools[k], NULL);
            wchar_t name[128];
            _snwprintf(name, 127, L"%ls round trip (true, false)", bools[k]);
            name[127] = 0;
            check(SUCCEEDED(h1) && SUCCEEDED(h2) && b1 == 1 && b2 == 0 && vt == VT_BOOL, name, L"hr=%08lx/%08lx values=%d,%d vt=%d", h1, h2, b1, b2, vt);
        }
        put(L"GeneralSettings", vempty()); /* back to omitted: false would be sent as false */
    }

    /* ---- keyboard properties (Cyrillic round trip) ---- */
    {
        wchar_t *rows, *json, *json2, *rows2;
        HRESULT h = put(L"KeyboardRows", vstr(ROWS_RU));
        rows = get_str(L"KeyboardRows", NULL);
        check(SUCCEEDED(h) && rows_eq(rows, ROWS_RU) && last_status() == 0, L"KeyboardRows Cyrillic round trip", L"hr=%08lx value=[%ls]", h, rows);
        json = get_str(L"KeyboardJson", NULL);
        check(json && json[0] == L'[' && wcsstr(json, L"\"" RU_YES L"\"") && wcsstr(json, L"\"" RU_NO L"\"") && wcsstr(json, L"\"" RU_OPERATOR L"\""),
              L"KeyboardJson reads the rows keyboard as JSON with Cyrillic intact", L"value=[%ls]", json);
        /* JSON read back, written back, reads back the same. */
        h = put(L"KeyboardRows", vstr(L""));
        wchar_t *cleared = get_str(L"KeyboardJson", NULL);
        check(SUCCEEDED(h) && cleared && !*cleared, L"KeyboardRows = \"\" clears the keyboard", L"KeyboardJson=[%ls]", cleared);
        free(cleared);
        h = put(L"KeyboardJson", vstr(json ? json : L""));
        json2 = get_str(L"KeyboardJson", NULL);
        rows2 = get_str(L"KeyboardRows", NULL);
        check(SUCCEEDED(h) && streq(json, json2) && rows_eq(rows2, ROWS_RU), L"KeyboardJson round trip (and KeyboardRows from it)",
              L"json2=[%ls] rows2=[%ls]", json2, rows2);
        free(json2); free(rows2);

        h = put(L"KeyboardJson", vstr(L"[[\"A\",\"B\"],[{\"text\":\"C\"}]]"));
        rows2 = get_str(L"KeyboardRows", NULL);
        check(SUCCEEDED(h) && rows_eq(rows2, L"A|B\nC"), L"KeyboardJson shorthand reads back as rows", L"rows=[%ls]", rows2);
        free(rows2);

        VARIANT a = vstr(RU_MORE L"|" L"\x041e\x0442\x043c\x0435\x043d\x0430"); /* Ещё|Отмена */
        Result r = call(L"AddKeyboardRow", 1, &a);
        rows2 = get_str(L"KeyboardRows", NULL);
        check(SUCCEEDED(r.hr) && rows_eq(rows2, L"A|B\nC\n" RU_MORE L"|\x041e\x0442\x043c\x0435\x043d\x0430"), L"AddKeyboardRow appends a row",
              L"hr=%08lx rows=[%ls]", r.hr, rows2);
        clear_result(&r);
        free(rows2);

        h = put(L"KeyboardJson", vstr(L"[[\"A\""));
        int st = last_status();
        wchar_t *err = last_error();
        rows2 = get_str(L"KeyboardRows", NULL);
        check(SUCCEEDED(h) && st == -1 && *err && rows_eq(rows2, L"A|B\nC\n" RU_MORE L"|\x041e\x0442\x043c\x0435\x043d\x0430"),
              L"invalid KeyboardJson is -1 with a text and keeps the keyboard", L"hr=%08lx status=%d err=[%ls] rows=[%ls]", h, st, err, rows2);
        free(err); free(rows2);

        r = call(L"ClearKeyboard", 0, NULL);
        rows2 = get_str(L"KeyboardRows", NULL);
        json2 = get_str(L"KeyboardJson", NULL);
        check(SUCCEEDED(r.hr) && rows2 && !*rows2 && json2 && !*json2, L"ClearKeyboard empties both forms", L"hr=%08lx rows=[%ls] json=[%ls]", r.hr, rows2, json2);
        clear_result(&r);
        free(rows2); free(json2);
        free(rows); free(json);
    }

    /* ---- status paths (ThrowOnError false: nothing throws) ---- */
    put(L"BaseUrl", vstr(baseUrl));
    put(L"Login", vstr(login));
    put(L"Password", vstr(password));
    put(L"MaxRetries", vint(0));
    put(L"TimeoutSeconds", vint(20));
    {
        put(L"KeyboardRows", vstr(ROWS_RU));
        VARIANT a[3] = {vstr(line), vstr(user), vstr(TEXT_RU)};
        expect_status(L"Send with Cyrillic text and a rows keyboard: 200", call(L"Send", 3, a), 200);
        int ok = get_bool(L"IsSuccess", NULL);
        wchar_t *err = last_error();
        check(ok == 1 && err && !*err, L"after 200: IsSuccess true, LastErrorText empty", L"IsSuccess=%d err=[%ls]", ok, err);
        free(err);

        put(L"KeyboardRows", vstr(L""));
        put(L"AuthorId", vstr(L"9a1f7c2e-3b4d-4e5f-8a6b-7c8d9e0f1a2b"));
        put(L"GeneralSettings", vbool(1));
        VARIANT b[3] = {vstr(line), vstr(user), vstr(L"author and general settings")};
        expect_status(L"Send with AuthorId and GeneralSettings: 200", call(L"Send", 3, b), 200);
        put(L"AuthorId", vstr(L""));
        put(L"GeneralSettings", vempty()); /* Empty omits the field; false would be sent as false */

        VARIANT c[2] = {vstr(line), vstr(user)};
        expect_status(L"DropKeyboard: 200", call(L"DropKeyboard", 2, c), 200);

        VARIANT d[3] = {vstr(L"not-a-uuid"), vstr(user), vstr(TEXT_RU)};
        expect_status(L"Send with an invalid line id: -1", call(L"Send", 3, d), -1);
        ok = get_bool(L"IsSuccess", NULL);
        err = last_error();
        check(ok == 0 && err && is_cyrillic(err[0]), L"after -1: IsSuccess false, LastErrorText in Russian", L"IsSuccess=%d err=[%ls]", ok, err);
        free(err);

        VARIANT e[3] = {vstr(line), vstr(user), vstr(L"   ")};
        expect_status(L"Send with blank text: -1", call(L"Send", 3, e), -1);

        VARIANT f[2] = {vstr(line), vstr(L"")};
        expect_status(L"DropKeyboard with an empty user id: -1", call(L"DropKeyboard", 2, f), -1);

        put(L"Password", vstr(L"wrong-password"));
        VARIANT g[3] = {vstr(line), vstr(user), vstr(L"x")};
        expect_status(L"Send with a wrong password: 401", call(L"Send", 3, g), 401);
        err = last_error();
        check(err && wcsstr(err, L"401") && !wcsstr(err, L"wrong-password"), L"401 text names the status, not the password", L"err=[%ls]", err);
        free(err);
        put(L"Password", vstr(password));

        VARIANT h[3] = {vstr(forbiddenLine), vstr(user), vstr(L"x")};
        expect_status(L"Send to a line outside the emulator's list: 403", call(L"Send", 3, h), 403);
        err = last_error();
        check(err && wcsstr(err, L"403") && wcsstr(err, L"User is not a subscriber or never been online"),
              L"403 text has the status and the server's error", L"err=[%ls]", err);
        free(err);
        VARIANT h2[2] = {vstr(forbiddenLine), vstr(user)};
        expect_status(L"DropKeyboard on a forbidden line: 403", call(L"DropKeyboard", 2, h2), 403);

        put(L"BaseUrl", vstr(url400));
        VARIANT k[3] = {vstr(line), vstr(user), vstr(L"x")};
        expect_status(L"Send to a server answering 400: 400", call(L"Send", 3, k), 400);
        err = last_error();
        check(err && wcsstr(err, L"400") && wcsstr(err, L"text is not acceptable"), L"400 text has the status and the server's error", L"err=[%ls]", err);
        free(err);

        put(L"BaseUrl", vstr(urlClosed));
        VARIANT m[3] = {vstr(line), vstr(user), vstr(L"x")};
        expect_status(L"Send to a closed port: -2", call(L"Send", 3, m), -2);
        put(L"BaseUrl", vstr(baseUrl));

        put(L"Language", vstr(L"en"));
        VARIANT n[3] = {vstr(L"bad"), vstr(user), vstr(L"x")};
        expect_status(L"Language en: invalid id is -1", call(L"Send", 3, n), -1);
        err = last_error();
        check(err && *err && err[0] < 0x80, L"Language en: LastErrorText in English", L"err=[%ls]", err);
        free(err);
        put(L"Language", vstr(L"ru"));
        int st = last_status();
        check(st == 0, L"a valid property set resets LastStatusCode to 0", L"LastStatusCode=%d", st);
    }

    /* ---- wrong VARIANT types: -1, not a crash ---- */
    {
        VARIANT a[3] = {vint(12345), vstr(user), vstr(L"x")};
        expect_status(L"Send(VT_I4 line id): -1", call(L"Send", 3, a), -1);
        wchar_t *err = last_error();
        check(err && is_cyrillic(err[0]), L"wrong-type text comes from the core in Russian", L"err=[%ls]", err);
        free(err);
        VARIANT b[3] = {vstr(line), vstr(user), vempty()};
        expect_status(L"Send(VT_EMPTY text): -1", call(L"Send", 3, b), -1);
        VARIANT c[3] = {vstr(line), vdbl(1.5), vstr(L"x")};
        expect_status(L"Send(VT_R8 user id): -1", call(L"Send", 3, c), -1);
        VARIANT d[2] = {vbool(1), vstr(user)};
        expect_status(L"DropKeyboard(VT_BOOL line id): -1", call(L"DropKeyboard", 2, d), -1);
        VARIANT e[2] = {vstr(line), vempty()};
        expect_status(L"DropKeyboard(VT_EMPTY user id): -1", call(L"DropKeyboard", 2, e), -1);

        VARIANT f = vint(7);
        Result r = call(L"AddKeyboardRow", 1, &f);
        int st = last_status();
        check(SUCCEEDED(r.hr) && st == -1, L"AddKeyboardRow(VT_I4): -1", L"hr=%08lx LastStatusCode=%d", r.hr, st);
        clear_result(&r);

        struct { const wchar_t *prop; VARIANT v; const wchar_t *label; } wrong[] = {
            {L"BaseUrl", vint(5), L"BaseUrl = VT_I4: -1"},
            {L"Login", vbool(1), L"Login = VT_BOOL: -1"},
            {L"TimeoutSeconds", vstr(L"abc"), L"TimeoutSeconds = VT_BSTR: -1"},
            {L"MaxRetries", vdbl(2.5), L"MaxRetries = VT_R8 2.5: -1"},
            {L"RetryDelaySeconds", vint(31), L"RetryDelaySeconds = VT_I4 31 (over 30 s): -1"},
            {L"RetryDelaySeconds", vdbl(0.005), L"RetryDelaySeconds = VT_R8 0.005 (under 10 ms): -1"},
            {L"GeneralSettings", vint(2), L"GeneralSettings = VT_I4 2: -1"},
            {L"ThrowOnError", vstr(L"maybe"), L"ThrowOnError = VT_BSTR \"maybe\": -1"},
            {L"KeyboardRows", vint(3), L"KeyboardRows = VT_I4: -1"},
            {L"Language", vstr(L"de"), L"Language = \"de\": -1"},
        };
        for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++) {
            hr = put(wrong[i].prop, wrong[i].v);
            st = last_status();
            err = last_error();
            check(SUCCEEDED(hr) && st == -1 && *err, wrong[i].label, L"hr=%08lx LastStatusCode=%d err=[%ls]", hr, st, err);
            free(err);
        }
        VARTYPE vt;
        int t = get_int(L"TimeoutSeconds", &vt);
        wchar_t *bu = get_str(L"BaseUrl", NULL);
        int toe = get_bool(L"ThrowOnError", NULL);
        double rd = get_dbl(L"RetryDelaySeconds", NULL);
        check(t == 20 && streq(bu, baseUrl) && toe == 0 && rd == 0.25, L"rejected property values leave the settings unchanged",
              L"TimeoutSeconds=%d BaseUrl=[%ls] ThrowOnError=%d RetryDelaySeconds=%g", t, bu, toe, rd);
        free(bu);

        /* Refusals are sticky: a send answers the oldest standing one until each setting is set again validly. */
        {
            VARIANT s1[3] = {vstr(line), vstr(user), vstr(L"while refused")};
            expect_status(L"a send while a refusal stands: -1", call(L"Send", 3, s1), -1);
            put(L"BaseUrl", vstr(baseUrl));
            put(L"Login", vstr(login));
            put(L"TimeoutSeconds", vint(20));
            put(L"MaxRetries", vint(0));
            put(L"RetryDelaySeconds", vdbl(0.25));
            put(L"GeneralSettings", vempty());
            put(L"ThrowOnError", vbool(0));
            put(L"KeyboardRows", vstr(L""));
            put(L"Language", vstr(L"ru"));
            int ls = last_status();
            check(ls == 0, L"every refused property set again validly: LastStatusCode 0", L"LastStatusCode=%d", ls);
        }

        /* Variables passed by reference, as VBScript does (VT_BYREF|VT_VARIANT) or as C callers may (VT_BYREF|VT_BSTR). */
        {
            VARIANT inner[3];
            inner[0] = vstr(line);
            inner[1] = vstr(user);
            inner[2] = vstr(L"by reference");
            VARIANT byref[3];
            for (int i = 0; i < 3; i++) { VariantInit(&byref[i]); byref[i].vt = VT_BYREF | VT_VARIANT; byref[i].pvarVal = &inner[i]; }
            Result br = invoke(S, L"Send", DISPATCH_METHOD, 3, byref);
            expect_status(L"Send(VT_BYREF|VT_VARIANT strings): 200", br, 200);
            BSTR b0 = SysAllocString(line), b1 = SysAllocString(user), b2 = SysAllocString(L"by reference");
            VARIANT bstrRef[3];
            BSTR *targets[3] = {&b0, &b1, &b2};
            for (int i = 0; i < 3; i++) { VariantInit(&bstrRef[i]); bstrRef[i].vt = VT_BYREF | VT_BSTR; bstrRef[i].pbstrVal = targets[i]; }
            br = invoke(S, L"Send", DISPATCH_METHOD, 3, bstrRef);
            expect_status(L"Send(VT_BYREF|VT_BSTR): 200", br, 200);
            LONG n = 7;
            VARIANT intRef[3];
            VariantInit(&intRef[0]); intRef[0].vt = VT_BYREF | VT_I4; intRef[0].plVal = &n;
            intRef[1] = vstr(user);
            intRef[2] = vstr(L"x");
            br = invoke(S, L"Send", DISPATCH_METHOD, 3, intRef);
            expect_status(L"Send(VT_BYREF|VT_I4 line id): -1", br, -1);
            VariantClear(&intRef[1]); VariantClear(&intRef[2]);
            SysFreeString(b0); SysFreeString(b1); SysFreeString(b2);
            free_args(3, inner);
            VARIANT tsRef;
            VARIANT tsInner = vint(25);
            VariantInit(&tsRef); tsRef.vt = VT_BYREF | VT_VARIANT; tsRef.pvarVal = &tsInner;
            Result pr = invoke(S, L"TimeoutSeconds", DISPATCH_PROPERTYPUT, 1, &tsRef);
            int ts = get_int(L"TimeoutSeconds", NULL);
            check(SUCCEEDED(pr.hr) && ts == 25, L"TimeoutSeconds = VT_BYREF|VT_VARIANT(VT_I4 25)", L"hr=%08lx value=%d", pr.hr, ts);
            clear_result(&pr);
            put(L"TimeoutSeconds", vint(20));
        }

        /* A call with too few arguments is refused by IDispatch itself, and the object keeps working. */
        VARIANT g[1] = {vstr(line)};
        r = call(L"Send", 1, g);
        HRESULT shortHr = r.hr;
        clear_result(&r);
        VARIANT h[3] = {vstr(line), vstr(user), vstr(L"after a bad call")};
        r = call(L"Send", 3, h);
        check(FAILED(shortHr) && SUCCEEDED(r.hr) && r.v.vt == VT_I4 && r.v.lVal == 200, L"Send with one argument fails cleanly; the next Send works",
              L"short hr=%08lx next hr=%08lx value=%ld", shortHr, r.hr, r.v.lVal);
        clear_result(&r);
    }

    /* ---- ThrowOnError true: DISP_E_EXCEPTION with the error text ---- */
    {
        put(L"ThrowOnError", vbool(1));
        VARIANT a[3] = {vstr(L"not-a-uuid"), vstr(user), vstr(L"x")};
        Result r = call(L"Send", 3, a);
        int st = last_status();
        wchar_t *err = last_error();
        check(r.hr == DISP_E_EXCEPTION && r.ei.bstrDescription && streq(r.ei.bstrDescription, err) && *err && is_cyrillic(err[0]) && st == -1,
              L"ThrowOnError: -1 raises DISP_E_EXCEPTION, EXCEPINFO.bstrDescription = LastErrorText (Russian)",
              L"hr=%08lx desc=[%ls] LastErrorText=[%ls] LastStatusCode=%d", r.hr, r.ei.bstrDescription, err, st);
        free(err);
        clear_result(&r);

        put(L"Password", vstr(L"wrong-password"));
        VARIANT b[3] = {vstr(line), vstr(user), vstr(L"x")};
        r = call(L"Send", 3, b);
        st = last_status();
        check(r.hr == DISP_E_EXCEPTION && r.ei.bstrDescription && wcsstr(r.ei.bstrDescription, L"401") && st == 401 &&
                  no_password(r.ei.bstrDescription) && !wcsstr(r.ei.bstrDescription, L"wrong-password"),
              L"ThrowOnError: 401 raises DISP_E_EXCEPTION naming 401; LastStatusCode 401", L"hr=%08lx desc=[%ls] LastStatusCode=%d", r.hr,
              r.ei.bstrDescription, st);
        clear_result(&r);
        put(L"Password", vstr(password));

        VARIANT c[2] = {vstr(forbiddenLine), vstr(user)};
        r = call(L"DropKeyboard", 2, c);
        check(r.hr == DISP_E_EXCEPTION && r.ei.bstrDescription && wcsstr(r.ei.bstrDescription, L"403") && last_status() == 403,
              L"ThrowOnError: DropKeyboard 403 raises DISP_E_EXCEPTION", L"hr=%08lx desc=[%ls]", r.hr, r.ei.bstrDescription);
        clear_result(&r);

        VARIANT d[3] = {vint(1), vstr(user), vstr(L"x")};
        r = call(L"Send", 3, d);
        check(r.hr == DISP_E_EXCEPTION && r.ei.bstrDescription && *r.ei.bstrDescription && last_status() == -1,
              L"ThrowOnError: wrong VARIANT type raises DISP_E_EXCEPTION", L"hr=%08lx desc=[%ls]", r.hr, r.ei.bstrDescription);
        clear_result(&r);

        Result pr;
        memset(&pr, 0, sizeof pr);
        put_on(S, L"TimeoutSeconds", vstr(L"abc"), &pr);
        check(pr.hr == DISP_E_EXCEPTION && pr.ei.bstrDescription && *pr.ei.bstrDescription && last_status() == -1,
              L"ThrowOnError: a rejected property value raises DISP_E_EXCEPTION", L"hr=%08lx desc=[%ls]", pr.hr, pr.ei.bstrDescription);
        clear_result(&pr);
        put(L"TimeoutSeconds", vint(20)); /* the refusal is sticky until the property is set again validly */

        VARIANT e[3] = {vstr(line), vstr(user), vstr(TEXT_RU)};
        r = call(L"Send", 3, e);
        check(r.hr == S_OK && r.v.vt == VT_I4 && r.v.lVal == 200, L"ThrowOnError: a 200 does not raise", L"hr=%08lx value=%ld", r.hr, r.v.lVal);
        clear_result(&r);
        put(L"ThrowOnError", vbool(0));

        VARIANT f[3] = {vstr(L"bad"), vstr(user), vstr(L"x")};
        r = call(L"Send", 3, f);
        check(r.hr == S_OK && r.v.vt == VT_I4 && r.v.lVal == -1, L"ThrowOnError back to false: -1 is returned, not raised", L"hr=%08lx value=%ld", r.hr, r.v.lVal);
        clear_result(&r);
    }

    IDispatch_Release(S);
    CoUninitialize();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
