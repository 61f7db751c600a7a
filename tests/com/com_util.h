/*
 * Helpers shared by the real-COM clients (client.c, corpus_client.c, fault_client.c), built with
 * x86_64-w64-mingw32-gcc by ./build.sh test com. Header-only: every function is static inline, so a client that does
 * not use one gets no warning. Covers IDispatch by member name (GetIDsOfNames + Invoke), property put and the
 * LastStatusCode / LastErrorText reads, VARIANT makers, UTF-8 <-> UTF-16, environment and file reading, and a plain
 * HTTP GET to a loopback port over Winsock (the caller runs WSAStartup).
 */
#ifndef CONNECT_BRIDGE_COM_UTIL_H
#define CONNECT_BRIDGE_COM_UTIL_H

#ifndef COBJMACROS
#define COBJMACROS
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <ole2.h>
#include <oleauto.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ---- IDispatch by name ------------------------------------------------------------------------- */

typedef struct { HRESULT hr; VARIANT v; EXCEPINFO ei; } Result;

static inline void clear_result(Result *r)
{
    VariantClear(&r->v);
    SysFreeString(r->ei.bstrDescription);
    SysFreeString(r->ei.bstrSource);
    SysFreeString(r->ei.bstrHelpFile);
    memset(&r->ei, 0, sizeof r->ei);
}

static inline HRESULT dispid_of(IDispatch *d, const wchar_t *name, DISPID *id)
{
    LPOLESTR n = (LPOLESTR)name;
    return IDispatch_GetIDsOfNames(d, &IID_NULL, &n, 1, LOCALE_USER_DEFAULT, id);
}

/* args[] in natural (left-to-right) order; IDispatch wants them reversed. Does not free the args. */
static inline Result invoke(IDispatch *d, const wchar_t *name, WORD flags, int argc, const VARIANT *args)
{
    Result r;
    memset(&r, 0, sizeof r);
    VariantInit(&r.v);
    DISPID id;
    r.hr = dispid_of(d, name, &id);
    if (FAILED(r.hr)) return r;
    VARIANT rev[8];
    for (int i = 0; i < argc; i++) rev[i] = args[argc - 1 - i];
    DISPID put = DISPID_PROPERTYPUT;
    DISPPARAMS dp = {argc ? rev : NULL, NULL, (UINT)argc, 0};
    if (flags & DISPATCH_PROPERTYPUT) { dp.rgdispidNamedArgs = &put; dp.cNamedArgs = 1; }
    UINT argErr = 0;
    r.hr = IDispatch_Invoke(d, id, &IID_NULL, LOCALE_USER_DEFAULT, flags, &dp,
                            (flags & DISPATCH_PROPERTYPUT) ? NULL : &r.v, &r.ei, &argErr);
    if (r.hr == DISP_E_EXCEPTION && r.ei.pfnDeferredFillIn) r.ei.pfnDeferredFillIn(&r.ei);
    return r;
}

static inline VARIANT vbstr(BSTR b) { VARIANT v; VariantInit(&v); v.vt = VT_BSTR; v.bstrVal = b; return v; }
static inline VARIANT vint(int i) { VARIANT v; VariantInit(&v); v.vt = VT_I4; v.lVal = i; return v; }

/* Puts a property (the VARIANT is freed); returns the HRESULT. */
static inline HRESULT put_prop(IDispatch *d, const wchar_t *name, VARIANT v)
{
    Result r = invoke(d, name, DISPATCH_PROPERTYPUT, 1, &v);
    VariantClear(&v);
    HRESULT hr = r.hr;
    clear_result(&r);
    return hr;
}

/* LastStatusCode, or INT_MIN when it cannot be read as VT_I4. */
static inline int last_status_of(IDispatch *d)
{
    Result r = invoke(d, L"LastStatusCode", DISPATCH_PROPERTYGET, 0, NULL);
    int v = (SUCCEEDED(r.hr) && r.v.vt == VT_I4) ? r.v.lVal : INT_MIN;
    clear_result(&r);
    return v;
}

/* LastErrorText as a BSTR (its full length, NULs included), or NULL when it cannot be read as VT_BSTR. */
static inline BSTR last_error_of(IDispatch *d)
{
    Result r = invoke(d, L"LastErrorText", DISPATCH_PROPERTYGET, 0, NULL);
    BSTR b = NULL;
    if (SUCCEEDED(r.hr) && r.v.vt == VT_BSTR) {
        b = r.v.bstrVal ? r.v.bstrVal : SysAllocStringLen(L"", 0);
        r.v.vt = VT_EMPTY; /* keep the BSTR */
    }
    clear_result(&r);
    return b;
}

/* ---- text ---------------------------------------------------------------------------------------- */

/* Writes n UTF-16 code units to f as UTF-8. */
static inline void out_utf8_n(FILE *f, const wchar_t *s, size_t n)
{
    if (!n) return;
    int len = WideCharToMultiByte(CP_UTF8, 0, s, (int)n, NULL, 0, NULL, NULL);
    char *buf = (char *)malloc(len > 0 ? len : 1);
    if (!buf) return;
    WideCharToMultiByte(CP_UTF8, 0, s, (int)n, buf, len, NULL, NULL);
    fwrite(buf, 1, len, f);
    free(buf);
}

static inline wchar_t *utf8_to_w(const char *s, size_t *len)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    wchar_t *w = (wchar_t *)malloc((n > 0 ? n : 1) * sizeof(wchar_t));
    if (n > 0) MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n); else w[0] = 0;
    if (len) *len = wcslen(w);
    return w;
}

static inline char *w_to_utf8(const wchar_t *s, size_t n)
{
    int len = n ? WideCharToMultiByte(CP_UTF8, 0, s, (int)n, NULL, 0, NULL, NULL) : 0;
    char *out = (char *)malloc(len + 1);
    if (len) WideCharToMultiByte(CP_UTF8, 0, s, (int)n, out, len, NULL, NULL);
    out[len] = 0;
    return out;
}

/* Whether the n code units at s contain needle (NULL or empty: never). */
static inline int w_contains(const wchar_t *s, size_t n, const wchar_t *needle)
{
    size_t pn = needle ? wcslen(needle) : 0;
    if (!pn || n < pn) return 0;
    for (size_t i = 0; i + pn <= n; i++)
        if (memcmp(s + i, needle, pn * sizeof(wchar_t)) == 0) return 1;
    return 0;
}

static inline int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* ---- environment and files ----------------------------------------------------------------------- */

static inline wchar_t *getenv_w(const wchar_t *name)
{
    static wchar_t buf[2][512];
    static int k;
    wchar_t *b = buf[k++ & 1];
    DWORD n = GetEnvironmentVariableW(name, b, 512);
    return (n > 0 && n < 512) ? b : NULL;
}

/* The whole file, NUL-terminated; *size (when not NULL) gets its length. NULL when it cannot be read. */
static inline char *read_file(const wchar_t *path, size_t *size)
{
    FILE *f = _wfopen(path, L"rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = (char *)malloc(n + 1);
    if (buf && fread(buf, 1, n, f) != (size_t)n) { free(buf); buf = NULL; }
    fclose(f);
    if (buf) { buf[n] = 0; if (size) *size = (size_t)n; }
    return buf;
}

/* ---- HTTP GET on 127.0.0.1 ----------------------------------------------------------------------- */

/* Sends req to 127.0.0.1:port and reads the answer into buf (NUL-terminated, at most cap - 1 bytes) until the
   server closes. Returns the byte count, or -1 (with *why set when why is not NULL). Bounded: 10 s timeouts. */
static inline int loopback_get(unsigned short port, const char *req, int req_len, char *buf, int cap, const wchar_t **why)
{
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET) { if (why) *why = L"socket()"; return -1; }
    DWORD ms = 10000;
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof ms);
    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, (const char *)&ms, sizeof ms);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) { closesocket(s); if (why) *why = L"connect to 127.0.0.1"; return -1; }
    if (send(s, req, req_len, 0) != req_len) { closesocket(s); if (why) *why = L"send"; return -1; }
    int got = 0, r;
    while (got < cap - 1 && (r = recv(s, buf + got, cap - 1 - got, 0)) > 0) got += r;
    closesocket(s);
    buf[got] = 0;
    return got;
}

#endif
