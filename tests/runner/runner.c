/*
 * runner.c -- the runner core (runner.h says what it does and how it is called). Portable C11: Linux (gcc) and
 * Windows (mingw, both bitnesses, under Wine); the few platform calls (loopback sockets, a monotonic clock, the
 * watchdog thread) are at the top.
 */
#ifndef _WIN32
#define _GNU_SOURCE
#endif
#include "loopback.h"
#ifdef _WIN32
#include <windows.h>
#else
#include <pthread.h>
#include <time.h>
#endif
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

#define MAX_STEPS 16
#define MAX_RUNS 8
#define CASE_LIMIT_MS 120000     /* a corpus run not done by then is a hang (the sender's own timeout is 30 s) */
#define FAULT_EXTRA_MS 60000     /* on top of a fault row's timeout: only a real hang reaches it */
#define SHOW_MAX 240             /* bytes of a text shown in a failure line */

static const struct rn_surface *S;
static const char *g_login, *g_password;
static uint16_t *g_password16;
static size_t g_password16_len;
static int g_wine; /* running under Wine: its schannel words TLS failures without the platform detail */
static char g_wine_version[64];

/* ---- platform ----------------------------------------------------------------------------------------------- */

static long long now_ms(void)
{
#ifdef _WIN32
    return (long long)GetTickCount64();
#else
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
#endif
}

static void sleep_ms(int ms)
{
#ifdef _WIN32
    Sleep((DWORD)ms);
#else
    struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
#endif
}

/* The watchdog: a thread that ends the process (exit 3) when the running call passes its deadline. */
static volatile long long g_deadline; /* now_ms() bound, 0 between calls */
static char g_running[512] = "(none)";

static void arm(long long limit_ms, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_running, sizeof g_running, fmt, ap);
    va_end(ap);
    fprintf(stderr, "running %s\n", g_running);
    fflush(stderr);
    g_deadline = now_ms() + limit_ms;
}
static void disarm(void) { g_deadline = 0; }

#ifdef _WIN32
static DWORD WINAPI watchdog(LPVOID unused)
#else
static void *watchdog(void *unused)
#endif
{
    (void)unused;
    for (;;) {
        sleep_ms(250);
        long long d = g_deadline;
        if (d && now_ms() > d) {
            printf("FAIL HANG: no answer in time through %s; %s\n", S->title, g_running);
            fflush(stdout);
            _exit(3);
        }
    }
    return 0;
}

static int start_watchdog(void)
{
#ifdef _WIN32
    return CreateThread(NULL, 0, watchdog, NULL, 0, NULL) ? 0 : -1;
#else
    pthread_t t;
    return pthread_create(&t, NULL, watchdog, NULL) == 0 ? pthread_detach(t) : -1;
#endif
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0;) {
        len += got;
        if (len == cap - 1) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (buf) buf[len] = 0;
    return buf;
}

/* ---- helpers -------------------------------------------------------------------------------------------------- */

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "runner (%s): ", S ? S->title : "?");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) die("out of memory (%lu bytes)", (unsigned long)n);
    return p;
}

void rn_problem(struct rn_report *r, const char *fmt, ...)
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

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

const char *rn_com_property(int option_id)
{
    static const char *const names[] = { NULL, "BaseUrl", "Login", "Password", NULL, "Language", "AuthorId", NULL,
                                         "ProxyUrl", "ProxyLogin", "ProxyPassword" };
    return option_id > 0 && option_id < (int)(sizeof names / sizeof *names) ? names[option_id] : NULL;
}

const char *rn_keyboard_property(int format) { return format == 1 ? "KeyboardJson" : format == 2 ? "KeyboardRows" : NULL; }

int rn_com_number(const struct rn_step *st, struct rn_number *n)
{
    if (st->kind != 'O' || st->nargs != 1 || st->args[0].is_null || st->args[0].wide) return 0;
    long value = strtol((const char *)st->args[0].data, NULL, 10);
    memset(n, 0, sizeof *n);
    switch (st->number) {
    case RN_OPT_MAX_RETRIES:
        n->property = "MaxRetries";
        n->whole = 1;
        n->integer = value;
        return 1;
    case RN_OPT_TIMEOUT_MS: n->property = "TimeoutSeconds"; break;
    case RN_OPT_RETRY_DELAY_MS: n->property = "RetryDelaySeconds"; break;
    default: return 0;
    }
    n->whole = value % 1000 == 0;
    n->integer = value / 1000;
    n->fraction = value / 1000.0;
    return 1;
}

uint16_t *rn_utf16(const char *s, size_t *len)
{
    const unsigned char *p = (const unsigned char *)s;
    uint16_t *out = xmalloc((strlen(s) + 1) * sizeof *out), *w = out;
    while (*p) {
        unsigned cp, need, min;
        if (*p < 0x80) { cp = *p++; need = 0; min = 0; }
        else if ((*p & 0xE0) == 0xC0) { cp = *p++ & 0x1Fu; need = 1; min = 0x80; }
        else if ((*p & 0xF0) == 0xE0) { cp = *p++ & 0x0Fu; need = 2; min = 0x800; }
        else if ((*p & 0xF8) == 0xF0) { cp = *p++ & 0x07u; need = 3; min = 0x10000; }
        else { free(out); return NULL; }
        for (; need; need--, p++) {
            if ((*p & 0xC0) != 0x80) { free(out); return NULL; }
            cp = cp << 6 | (*p & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) { free(out); return NULL; }
        if (cp >= 0x10000) { cp -= 0x10000; *w++ = (uint16_t)(0xD800 + (cp >> 10)); *w++ = (uint16_t)(0xDC00 + (cp & 0x3FF)); }
        else *w++ = (uint16_t)cp;
    }
    *w = 0;
    if (len) *len = (size_t)(w - out);
    return out;
}

char *rn_utf8(const uint16_t *s, size_t n)
{
    char *out = xmalloc(n * 3 + 1), *w = out;
    for (size_t i = 0; i < n; i++) {
        unsigned cp = s[i];
        if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] < 0xE000)
            cp = 0x10000 + ((cp - 0xD800) << 10) + (s[++i] - 0xDC00u);
        else if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;
        if (cp < 0x80) *w++ = (char)cp;
        else if (cp < 0x800) { *w++ = (char)(0xC0 | cp >> 6); *w++ = (char)(0x80 | (cp & 0x3F)); }
        else if (cp < 0x10000) { *w++ = (char)(0xE0 | cp >> 12); *w++ = (char)(0x80 | (cp >> 6 & 0x3F)); *w++ = (char)(0x80 | (cp & 0x3F)); }
        else { *w++ = (char)(0xF0 | cp >> 18); *w++ = (char)(0x80 | (cp >> 12 & 0x3F)); *w++ = (char)(0x80 | (cp >> 6 & 0x3F)); *w++ = (char)(0x80 | (cp & 0x3F)); }
    }
    *w = 0;
    return out;
}

static int u16_find(const uint16_t *s, size_t n, const uint16_t *needle, size_t m)
{
    if (!m || m > n) return 0;
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(s + i, needle, m * sizeof *s) == 0) return 1;
    return 0;
}

static int contains_password(const uint16_t *s, size_t n) { return u16_find(s, n, g_password16, g_password16_len); }

/* A text for a failure line: UTF-8, quoted, control characters escaped, cut after SHOW_MAX bytes; a text holding the
   password is never shown. */
static const char *show(const uint16_t *s, size_t n)
{
    static char ring[4][SHOW_MAX * 2 + 64];
    static int next;
    char *out = ring[next++ % 4], *w = out;
    if (contains_password(s, n)) return strcpy(out, "(withheld: it contains the password)");
    char *text = rn_utf8(s, n);
    const char *p = text;
    *w++ = '"';
    while (*p && (size_t)(w - out) < SHOW_MAX) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20) { w += sprintf(w, "\\x%02x", c); p++; continue; }
        size_t seq = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        for (size_t k = 0; k < seq && *p; k++) *w++ = *p++;
    }
    if (*p) w += sprintf(w, "...(%lu units)", (unsigned long)n);
    *w++ = '"';
    *w = 0;
    free(text);
    return out;
}

/* ---- values: "-" NULL, "+" then parts HEX or HEX*COUNT joined by ',' (bytes for U, 16-bit units for W) ---------- */

static int parse_value(const char *tok, int wide, struct rn_value *v)
{
    memset(v, 0, sizeof *v);
    v->wide = wide;
    if (strcmp(tok, "-") == 0) { v->is_null = 1; return 1; }
    if (tok[0] != '+') return 0;
    size_t per = wide ? 4 : 2, unit = wide ? 2 : 1;
    for (int pass = 0; pass < 2; pass++) { /* the length, then the units */
        size_t at = 0;
        for (const char *p = tok + 1; *p;) {
            size_t digits = strcspn(p, "*,");
            if (digits == 0 || digits % per) return 0;
            unsigned long long count = 1;
            const char *q = p + digits;
            if (*q == '*') {
                char *stop;
                count = strtoull(q + 1, &stop, 10);
                if (stop == q + 1 || count > (1u << 24)) return 0;
                q = stop;
            }
            size_t n = digits / per, start = at;
            if (pass == 1) {
                for (size_t i = 0; i < n; i++, at++) {
                    unsigned u = 0;
                    for (size_t k = 0; k < per; k++) {
                        int d = hexval(p[i * per + k]);
                        if (d < 0) return 0;
                        u = u << 4 | (unsigned)d;
                    }
                    if (wide) ((uint16_t *)v->data)[at] = (uint16_t)u;
                    else ((unsigned char *)v->data)[at] = (unsigned char)u;
                }
                for (unsigned long long c = 1; c < count; c++, at += n)
                    memcpy((char *)v->data + at * unit, (char *)v->data + start * unit, n * unit);
                if (count == 0) at = start;
            } else {
                at += n * (size_t)count;
                if (at > 4u * 1024 * 1024) return 0;
            }
            if (*q == ',') q++;
            else if (*q) return 0;
            p = q;
        }
        if (pass == 0) { v->len = at; v->data = xmalloc((at + 1) * unit); }
    }
    memset((char *)v->data + v->len * unit, 0, unit);
    return 1;
}

static void free_value(struct rn_value *v) { free(v->data); memset(v, 0, sizeof *v); }

static struct rn_step narrow_option(int id, const char *value)
{
    struct rn_step st;
    memset(&st, 0, sizeof st);
    st.kind = 'O';
    st.number = id;
    st.nargs = 1;
    st.args[0].len = strlen(value);
    st.args[0].data = (void *)value;
    return st;
}

/* ---- the servers' counts -------------------------------------------------------------------------------------- */

/* The emulator's "requests" (GET /emulator/stats), or -1 when it cannot be read. */
static long emulator_requests(int port)
{
    static const char req[] = "GET /emulator/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    char resp[8192];
    if (loopback_request(port, req, resp, sizeof resp) < 0 || strncmp(resp, "HTTP/1.1 200", 12) != 0) return -1;
    const char *p = strstr(resp, "\"requests\"");
    if (!p || !(p = strchr(p, ':'))) return -1;
    return strtol(p + 1, NULL, 10);
}

/* One listener's requests and connections from the fault server (GET /counts on its control port); 0, or -1. */
static int fault_counts(int port, int row, int run, long *requests, long *connections)
{
    static const char req[] = "GET /counts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    static char resp[65536];
    if (loopback_request(port, req, resp, sizeof resp) < 0 || strncmp(resp, "HTTP/1.1 200", 12) != 0) return -1;
    char *p = strstr(resp, "\r\n\r\n");
    for (p = p ? p + 4 : NULL; p && *p;) {
        int r0, r1;
        long q, c;
        if (sscanf(p, "%d %d %ld %ld", &r0, &r1, &q, &c) == 4 && r0 == row && r1 == run) {
            *requests = q;
            *connections = c;
            return 0;
        }
        p = strchr(p, '\n');
        if (p) p++;
    }
    return -1;
}

/* ---- lines ------------------------------------------------------------------------------------------------------ */

/* The next line of *cursor, split into space-separated tokens in place; the token count, or -1 at the end. */
static int next_tokens(char **cursor, char **tok, int max)
{
    char *s = *cursor;
    if (!s || !*s) return -1;
    char *e = strchr(s, '\n');
    if (e) { *e = 0; *cursor = e + 1; } else *cursor = s + strlen(s);
    size_t n = strlen(s);
    if (n && s[n - 1] == '\r') s[n - 1] = 0;
    int nt = 0;
    for (char *p = s; *p && nt < max;) {
        while (*p == ' ') *p++ = 0;
        if (!*p) break;
        tok[nt++] = p;
        while (*p && *p != ' ') p++;
    }
    return nt;
}

/* ---- the corpus ------------------------------------------------------------------------------------------------- */

struct corpus_case {
    char id[160];
    int listed, nsteps, has_once, exp_step, exp_status, exp_requests;
    struct rn_step steps[MAX_STEPS];
    struct rn_step once_keyboard, once_send;
    uint16_t *exp[2]; /* ru, en as UTF-16 */
    size_t exp_len[2];
};

static void free_case(struct corpus_case *c)
{
    for (int i = 0; i < c->nsteps; i++)
        for (int k = 0; k < c->steps[i].nargs; k++) free_value(&c->steps[i].args[k]);
    for (int k = 0; k < 3; k++) { free_value(&c->once_keyboard.args[k]); free_value(&c->once_send.args[k]); }
    free(c->exp[0]);
    free(c->exp[1]);
    memset(c, 0, sizeof *c);
}

static const char *const LANGS[2] = { "ru", "en" };
static long g_texts_seen, g_texts_with_password;

/* Checks a text the surface gave against the expected one; counts it for the password tally. */
static void check_text(struct rn_report *r, const uint16_t *text, size_t len, const uint16_t *want, size_t want_len)
{
    g_texts_seen++;
    if (contains_password(text, len)) { g_texts_with_password++; rn_problem(r, "the error text contains the password"); }
    if (len != want_len || memcmp(text, want, len * sizeof *text) != 0)
        rn_problem(r, "text %s, expected %s", show(text, len), show(want, want_len));
}

static int is_call(char kind) { return kind == 'M' || kind == 'D'; }

/* One run of a case in one language on a fresh object; returns 1 when it passed. */
static int run_case(const struct corpus_case *c, int lang, const char *base, int port)
{
    struct rn_report r = { .len = 0 };
    void *obj = S->create(&r);
    if (!obj) { printf("FAIL %s [%s]: %s\n", c->id, LANGS[lang], r.buf); return 0; }
    const struct rn_step presets[4] = { narrow_option(1, base), narrow_option(2, g_login), narrow_option(3, g_password),
                                        narrow_option(5, LANGS[lang]) };
    for (int i = 0; i < 4; i++) {
        int rc = S->step(obj, &presets[i], &r);
        if (rc != 0) rn_problem(&r, "preset option %d -> %d", presets[i].number, rc);
    }
    long before = emulator_requests(port);
    if (before < 0) rn_problem(&r, "GET /emulator/stats failed before the steps");
    int at = -1, status = 0;
    for (int i = 0; i < c->nsteps && r.problems == 0; i++) {
        at = i;
        status = S->step(obj, &c->steps[i], &r);
        if (status == RN_BROKEN) break;
        if (!(is_call(c->steps[i].kind) ? status >= 200 && status <= 299 : status == 0)) break;
    }
    long after = emulator_requests(port);
    if (after < 0) rn_problem(&r, "GET /emulator/stats failed after the steps");
    if (at != c->exp_step) rn_problem(&r, "ended at step %d, expected %d", at, c->exp_step);
    if (status != c->exp_status) rn_problem(&r, "status %d, expected %d", status, c->exp_status);
    int last = S->last_status(obj);
    if (last != status) rn_problem(&r, "last status %d, but the call returned %d", last, status);
    size_t len = 0;
    uint16_t *text = S->last_error(obj, &r, &len);
    if (text) check_text(&r, text, len, c->exp[lang], c->exp_len[lang]);
    else rn_problem(&r, "the last error text could not be read");
    if (before >= 0 && after >= 0 && after - before != c->exp_requests)
        rn_problem(&r, "emulator requests +%ld, expected +%d", after - before, c->exp_requests);
    free(text);
    S->destroy(obj);
    if (r.problems) printf("FAIL %s [%s]: %s\n", c->id, LANGS[lang], r.buf);
    return r.problems == 0;
}

/* The case as one call (cb_send), Russian; returns 1 when it passed. */
static int run_one_shot(const struct corpus_case *c, const char *base, int port)
{
    struct rn_report r = { .len = 0 };
    long before = emulator_requests(port);
    uint16_t *text = NULL;
    size_t len = 0;
    int status = S->one_shot(c->once_keyboard.kind ? &c->once_keyboard : NULL, &c->once_send, base, g_login, g_password,
                             &r, &text, &len);
    long after = emulator_requests(port);
    if (before < 0 || after < 0) rn_problem(&r, "GET /emulator/stats failed");
    if (status != c->exp_status) rn_problem(&r, "status %d, expected %d", status, c->exp_status);
    if (text) check_text(&r, text, len, c->exp[0], c->exp_len[0]);
    if (before >= 0 && after >= 0 && after - before != c->exp_requests)
        rn_problem(&r, "emulator requests +%ld, expected +%d", after - before, c->exp_requests);
    free(text);
    if (r.problems) printf("FAIL %s [one call, ru]: %s\n", c->id, r.buf);
    return r.problems == 0;
}

static int parse_step(char **tok, int nt, struct rn_step *st)
{
    memset(st, 0, sizeof *st);
    st->kind = tok[1][0];
    st->wide = tok[2][0] == 'W';
    int first = 3;
    if (st->kind == 'O' || st->kind == 'K') st->number = atoi(tok[first++]);
    st->nargs = nt - first;
    if (st->nargs != (st->kind == 'M' ? 3 : st->kind == 'D' ? 2 : 1)) return 0;
    for (int k = 0; k < st->nargs; k++)
        if (!parse_value(tok[first + k], st->wide, &st->args[k])) return 0;
    return 1;
}

static int listed(const char *surfaces, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = surfaces; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == 0)) return 1;
    return 0;
}

static int run_corpus(const char *path, const char *base)
{
    if (strncmp(base, "http://127.0.0.1:", 17) != 0) die("BASE-URL must be http://127.0.0.1:PORT");
    int port = atoi(base + 17);
    char *data = read_all(path), *cursor = data, *tok[8];
    if (!data) die("cannot read %s", path);
    if (emulator_requests(port) < 0) die("the emulator at %s does not answer GET /emulator/stats", base);
    printf("# corpus through %s: emulator %s\n", S->title, base);

    struct corpus_case c;
    memset(&c, 0, sizeof c);
    int in_case = 0, declared = -1, read_cases = 0, ran = 0, passed = 0, failed = 0, file_passed = 0, file_failed = 0;
    long lineno = 0, runs = 0, one_shots = 0;
    char file[128] = "";
    for (int nt; (nt = next_tokens(&cursor, tok, 8)) >= 0;) {
        lineno++;
        if (nt == 0) continue;
        char kind = tok[0][0];
        if (kind == 'F' && nt == 2 && !in_case) {
            if (file[0]) printf("# %s: %d passed, %d failed\n", file, file_passed, file_failed);
            snprintf(file, sizeof file, "%s", tok[1]);
            file_passed = file_failed = 0;
        } else if (kind == 'C' && nt == 3 && !in_case) {
            in_case = 1;
            snprintf(c.id, sizeof c.id, "%s", tok[1]);
            c.listed = listed(tok[2], S->name);
        } else if (kind == 'S' && nt >= 4 && in_case) {
            if (c.nsteps == MAX_STEPS || !parse_step(tok, nt, &c.steps[c.nsteps++])) die("%s:%ld: bad step", path, lineno);
        } else if (kind == 'O' && nt == 7 && in_case) {
            char *k[5] = { "S", "K", tok[1], tok[2], tok[3] }, *m[6] = { "S", "M", tok[1], tok[4], tok[5], tok[6] };
            c.has_once = 1;
            if (!parse_step(m, 6, &c.once_send) || !parse_step(k, 5, &c.once_keyboard)) die("%s:%ld: bad one-call line", path, lineno);
            if (c.once_keyboard.args[0].is_null) { free_value(&c.once_keyboard.args[0]); c.once_keyboard.kind = 0; }
        } else if (kind == 'X' && nt == 6 && in_case) {
            struct rn_value v;
            c.exp_step = atoi(tok[1]);
            c.exp_status = atoi(tok[2]);
            c.exp_requests = atoi(tok[3]);
            for (int l = 0; l < 2; l++) {
                if (!parse_value(tok[4 + l], 0, &v) || v.is_null || !(c.exp[l] = rn_utf16(v.data, &c.exp_len[l])))
                    die("%s:%ld: bad expected text", path, lineno);
                free_value(&v);
            }
        } else if (kind == 'E' && nt == 1 && in_case) {
            if (!c.exp[0] || c.nsteps == 0) die("%s:%ld: case %s without steps or expectation", path, lineno, c.id);
            read_cases++;
            if (c.listed) {
                int ok = 1;
                ran++;
                for (int l = 0; l < 2; l++, runs++) {
                    arm(CASE_LIMIT_MS, "%s [%s]", c.id, LANGS[l]);
                    ok &= run_case(&c, l, base, port);
                    disarm();
                }
                if (c.has_once && S->one_shot) {
                    arm(CASE_LIMIT_MS, "%s [one call]", c.id);
                    ok &= run_one_shot(&c, base, port);
                    disarm();
                    one_shots++;
                }
                if (ok) { passed++; file_passed++; printf("PASS %s\n", c.id); }
                else { failed++; file_failed++; }
            }
            free_case(&c);
            in_case = 0;
        } else if (kind == 'N' && nt == 2 && !in_case) {
            declared = atoi(tok[1]);
        } else {
            die("%s:%ld: unexpected line (%s)", path, lineno, tok[0]);
        }
    }
    free(data);
    if (file[0]) printf("# %s: %d passed, %d failed\n", file, file_passed, file_failed);
    if (in_case || declared != read_cases) { printf("FAIL the flat corpus is truncated: %d cases read, %d declared\n", read_cases, declared); failed++; }
    if (ran == 0) { printf("FAIL no case of the corpus lists the %s surface\n", S->name); failed++; }
    if (g_texts_with_password) printf("FAIL the password appears in %ld of %ld error texts\n", g_texts_with_password, g_texts_seen);
    printf("# corpus through %s: %d of %d cases list %s; %ld runs (ru + en), %ld one-call runs; the password in %ld of %ld texts\n",
           S->title, ran, read_cases, S->name, runs, one_shots, g_texts_with_password, g_texts_seen);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && g_texts_with_password == 0 ? 0 : 1;
}

/* ---- the fault matrix ------------------------------------------------------------------------------------------- */

struct fault_run {
    int row, run, timeout_ms, retry_delay_ms, status, attempts, requests, https, body_length; /* body_length 0: not checked */
    char url[128];
    char *ru, *en, *detail, *name; /* UTF-8; detail NULL when the row has none */
    int got_status, elapsed_ms, no_detail;
    long got_requests, got_connections;
    char *got_text;
};

/* "." -> "", "-" -> NULL, else hex of UTF-8 bytes -> a malloc'd string; *ok = 0 on bad syntax. */
static char *unhex(const char *s, int *ok)
{
    if (strcmp(s, "-") == 0) return NULL;
    size_t n = strcmp(s, ".") == 0 ? 0 : strlen(s);
    if (n % 2) { *ok = 0; return NULL; }
    char *out = xmalloc(n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        int a = hexval(s[2 * i]), b = hexval(s[2 * i + 1]);
        if (a < 0 || b < 0) { free(out); *ok = 0; return NULL; }
        out[i] = (char)(a << 4 | b);
    }
    out[n / 2] = 0;
    return out;
}

/* The expected text (maybe with {detail}) against the actual one, as UTF-16: 1 matches, 0 not (*why), 2 the template
   without " ({detail})" under Wine (its schannel reports SEC_E_UNSUPPORTED_FUNCTION while it sends the alert for the
   rejected certificate, so the core words the failure without the detail; reported as an N/A line). */
static int fault_text_matches(const char *expected, const char *detail_word, const uint16_t *actual, size_t len, const char **why)
{
    size_t elen;
    uint16_t *exp = rn_utf16(expected, &elen), *mark = NULL;
    for (size_t i = 0; i + 8 <= elen && !mark; i++) {
        static const char tag[] = "{detail}";
        size_t k = 0;
        while (k < 8 && exp[i + k] == (uint16_t)tag[k]) k++;
        if (k == 8) mark = exp + i;
    }
    int ok;
    *why = "differs";
    if (!mark) {
        ok = elen == len && memcmp(exp, actual, len * sizeof *exp) == 0;
    } else {
        size_t pre = (size_t)(mark - exp), suf = elen - pre - 8;
        const uint16_t *suffix = mark + 8;
        ok = len >= pre + suf && memcmp(actual, exp, pre * 2) == 0 && memcmp(actual + len - suf, suffix, suf * 2) == 0;
        *why = "differs around the TLS detail";
        if (!ok && pre >= 2 && exp[pre - 2] == ' ' && exp[pre - 1] == '(' && suf >= 1 && suffix[0] == ')' &&
            len == pre - 2 + suf - 1 && memcmp(actual, exp, (pre - 2) * 2) == 0 && memcmp(actual + pre - 2, suffix + 1, (suf - 1) * 2) == 0) {
            *why = "has no TLS detail (expected one: not running under Wine)";
            ok = g_wine ? 2 : 0;
        } else if (ok && detail_word) {
            size_t wl;
            uint16_t *word = rn_utf16(detail_word, &wl);
            ok = u16_find(actual + pre, len - pre - suf, word, wl);
            if (!ok) *why = "the TLS detail does not name the failure";
            free(word);
        }
        if (ok == 1 && len >= 500) { ok = 0; *why = "the TLS text is 500 characters or longer"; }
    }
    free(exp);
    return ok;
}

static int g_control_port;
static char g_line[64], g_user[64], *g_text;

static int fault_send(void *obj, struct rn_report *r)
{
    struct rn_step st;
    memset(&st, 0, sizeof st);
    st.kind = 'M';
    st.nargs = 3;
    const char *args[3] = { g_line, g_user, g_text };
    for (int k = 0; k < 3; k++) { st.args[k].len = strlen(args[k]); st.args[k].data = (void *)args[k]; }
    return S->step(obj, &st, r);
}

/* One row in one language on a fresh object; returns 1 when it passed. */
static int run_fault(struct fault_run *f)
{
    struct rn_report r = { .len = 0 };
    const char *lang = LANGS[f->run % 2];
    void *obj = S->create(&r);
    if (!obj) { printf("FAIL %2d [%s] %s: %s\n", f->row, lang, f->name, r.buf); return 0; }
    char timeout[16], retry_delay[16];
    snprintf(timeout, sizeof timeout, "%d", f->timeout_ms);
    snprintf(retry_delay, sizeof retry_delay, "%d", f->retry_delay_ms);
    /* The row's timeout and first retry delay, as FaultMatrixTests gives the .NET client (RN_OPT_* for COM and the add-in). */
    const struct rn_step presets[7] = { narrow_option(1, f->url), narrow_option(2, g_login), narrow_option(3, g_password),
                                        narrow_option(5, lang), narrow_option(RN_OPT_TIMEOUT_MS, timeout),
                                        narrow_option(RN_OPT_MAX_RETRIES, "2"), narrow_option(RN_OPT_RETRY_DELAY_MS, retry_delay) };
    for (int i = 0; i < 7; i++) {
        int rc = S->step(obj, &presets[i], &r);
        if (rc != 0) rn_problem(&r, "preset option %d -> %d", presets[i].number, rc);
    }
    long req0 = 0, con0 = 0, req1 = 0, con1 = 0;
    if (fault_counts(g_control_port, f->row, f->run, &req0, &con0) != 0) rn_problem(&r, "GET /counts failed before the send");
    arm(f->timeout_ms + FAULT_EXTRA_MS, "%d [%s] %s", f->row, lang, f->name);
    long long t0 = now_ms();
    int status = fault_send(obj, &r);
    f->elapsed_ms = (int)(now_ms() - t0);
    disarm();
    if (fault_counts(g_control_port, f->row, f->run, &req1, &con1) != 0) rn_problem(&r, "GET /counts failed after the send");
    f->got_requests = req1 - req0;
    f->got_connections = con1 - con0;
    f->got_status = status;
    if (status != f->status) rn_problem(&r, "status %d, expected %d", status, f->status);
    int last = S->last_status(obj);
    if (last != status) rn_problem(&r, "last status %d, but the call returned %d", last, status);
    size_t len = 0;
    uint16_t *text = S->last_error(obj, &r, &len);
    const char *expected = f->run % 2 == 0 ? f->ru : f->en, *why = "";
    if (!text) {
        rn_problem(&r, "the last error text could not be read");
        f->got_text = strcpy(xmalloc(16), "(unreadable)");
    } else if (contains_password(text, len)) {
        rn_problem(&r, "the error text contains the password (text withheld)");
        f->got_text = strcpy(xmalloc(64), "(withheld: it contains the password)");
    } else {
        f->got_text = rn_utf8(text, len);
        int m = fault_text_matches(expected, f->detail, text, len, &why);
        if (m == 0) rn_problem(&r, "text %s: actual [%s], expected [%s]", why, f->got_text, expected);
        f->no_detail = m == 2;
    }
    free(text);
    if (f->got_requests != f->requests) rn_problem(&r, "the server read %ld requests, expected %d", f->got_requests, f->requests);
    if (f->https && f->got_connections != 1)
        rn_problem(&r, "%ld TLS connections, expected 1 (a certificate failure is not retried)", f->got_connections);
    /* The elapsed time is reported, never asserted: tests hold no wall-clock bounds (the status proves the timeout). */
    S->destroy(obj);
    if (r.problems) printf("FAIL %2d [%s] %s: %s\n", f->row, lang, f->name, r.buf);
    else printf("PASS %2d [%s] %s: %d, requests %ld, %d ms / %d ms\n", f->row, lang, f->name, status, f->got_requests,
                f->elapsed_ms, f->timeout_ms);
    fflush(stdout);
    return r.problems == 0;
}

/* A text for a markdown cell: 127.0.0.1:<port> as 127.0.0.1:PORT, '|' escaped. */
static void cell(FILE *f, const char *text)
{
    if (!text[0]) { fputs("(empty: success)", f); return; }
    for (const char *p = text; *p;) {
        if (strncmp(p, "127.0.0.1:", 10) == 0 && p[10] >= '0' && p[10] <= '9') {
            fputs("127.0.0.1:PORT", f);
            for (p += 10; *p >= '0' && *p <= '9'; p++) {}
            continue;
        }
        if (*p == '|') fputc('\\', f);
        fputc(*p++, f);
    }
}

static int run_faults(const char *path, const char *report)
{
    char *data = read_all(path), *cursor = data, *tok[16], control[128] = "";
    if (!data) die("cannot read %s", path);
    int rows = 0, runs = 0, count = 0, ended = 0, ok = 1;
    struct fault_run *all = NULL;
    for (int nt; (nt = next_tokens(&cursor, tok, 16)) >= 0;) {
        if (nt == 0) continue;
        if (strcmp(tok[0], "FAULTS") == 0 && nt == 8 && !all) {
            rows = atoi(tok[1]);
            runs = atoi(tok[2]);
            snprintf(control, sizeof control, "%s", tok[3]);
            snprintf(g_line, sizeof g_line, "%s", tok[5]);
            snprintf(g_user, sizeof g_user, "%s", tok[6]);
            g_text = unhex(tok[7], &ok);
            if (rows < 1 || runs < 2 || runs > MAX_RUNS || !g_text || strncmp(control, "http://127.0.0.1:", 17) != 0)
                die("bad manifest header");
            g_control_port = atoi(control + 17);
            all = calloc((size_t)rows * (size_t)runs, sizeof *all);
        } else if (strcmp(tok[0], "F") == 0 && nt == 15 && all && count < rows * runs) {
            struct fault_run *f = &all[count++];
            f->row = atoi(tok[1]);
            f->run = atoi(tok[2]);
            snprintf(f->url, sizeof f->url, "%s", tok[3]);
            f->timeout_ms = atoi(tok[4]);
            f->retry_delay_ms = atoi(tok[5]);
            f->status = atoi(tok[6]);
            f->attempts = atoi(tok[7]);
            f->requests = atoi(tok[8]);
            f->https = atoi(tok[9]);
            f->body_length = strcmp(tok[10], "-") == 0 ? 0 : atoi(tok[10]);
            f->ru = unhex(tok[11], &ok);
            f->en = unhex(tok[12], &ok);
            f->detail = unhex(tok[13], &ok);
            f->name = unhex(tok[14], &ok);
            if (!ok || !f->ru || !f->en || !f->name || f->row != (count - 1) / runs + 1 || f->run != (count - 1) % runs ||
                strstr(f->url, "://127.0.0.1:") == NULL || f->timeout_ms < 1 || f->retry_delay_ms < 1)
                die("bad manifest line for row %d run %d", f->row, f->run);
        } else if (strcmp(tok[0], "END") == 0 && nt == 1) {
            ended = 1;
        } else {
            die("unexpected manifest line (%s)", tok[0]);
        }
    }
    free(data);
    if (!ended || !all || count != rows * runs) die("the manifest is truncated: %d of %d runs", count, rows * runs);
    printf("# fault matrix through %s: %d faults x %d languages, fault server control %s%s%s\n", S->title, rows, runs,
           control, g_wine ? ", " : "", g_wine_version);

    { /* warm-up: the runtime and the connection pool, so that no row is timed cold */
        struct rn_report r = { .len = 0 };
        void *obj = S->create(&r);
        if (!obj) die("the warm-up object could not be made: %s", r.buf);
        const struct rn_step presets[3] = { narrow_option(1, control), narrow_option(2, g_login), narrow_option(3, g_password) };
        for (int i = 0; i < 3; i++) S->step(obj, &presets[i], &r);
        arm(120000, "(warm-up)");
        int st = fault_send(obj, &r);
        disarm();
        S->destroy(obj);
        if (st != 200) die("the warm-up send to the fault server's control listener gave %d (%s)", st, r.buf);
    }

    int passed = 0, failed = 0, failed_rows = 0;
    long long started = now_ms();
    for (int row = 0; row < rows; row++) {
        int row_ok = 1, no_detail = 0;
        struct fault_run *first = &all[row * runs];
        for (int run = 0; run < runs; run++) { /* each run (row and language) is a case of its own */
            int ok = run_fault(&first[run]);
            row_ok &= ok;
            if (ok) passed++; else failed++;
            no_detail |= first[run].no_detail;
        }
        if (first->attempts != first->requests && !first->https)
            printf("N/A  %2d %s: its %d attempts are not observable through %s (no request reaches the server, and there "
                   "is no attempt count); status and text are checked\n", first->row, first->name, first->attempts, S->title);
        if (no_detail)
            printf("N/A  %2d %s: the platform detail, which must name %s, is absent under %s: .NET there gets "
                   "Win32Exception 0x80090302 (SEC_E_UNSUPPORTED_FUNCTION) from schannel's ApplyControlToken while it "
                   "sends the alert for the rejected certificate; status -4, the text without \" ({detail})\", request "
                   "and connection counts are checked\n", first->row, first->name, first->detail ? first->detail : "the failure",
                   g_wine_version);
        if (first->body_length)
            printf("N/A  %2d %s: the kept error-body length (%d bytes) is not observable through %s (no response body); "
                   "status, text and request count are checked\n", first->row, first->name, first->body_length, S->title);
        if (!row_ok) failed_rows++;
    }
    printf("# fault matrix through %s: %d faults (%d failed), %d runs, %.1f s\n", S->title, rows, failed_rows, rows * runs, (double)(now_ms() - started) / 1000.0);
    if (report) {
        FILE *md = fopen(report, "wb");
        if (!md) die("cannot write %s", report);
        fprintf(md, "<!-- generated by tests/runner (%s) -->\n", S->title);
        fprintf(md, "| # | fault | status | requests at server | slowest of %d runs / timeout | text (ru) | text (en) |\n", runs);
        fprintf(md, "|---|---|---|---|---|---|---|\n");
        for (int row = 0; row < rows; row++) {
            struct fault_run *f = &all[row * runs];
            int slowest = 0;
            for (int k = 0; k < runs; k++) if (f[k].elapsed_ms > slowest) slowest = f[k].elapsed_ms;
            fprintf(md, "| %d | %s | %d | %ld | %d ms / %d ms | ", f->row, f->name, f->got_status, f->got_requests, slowest, f->timeout_ms);
            cell(md, f[0].got_text ? f[0].got_text : "");
            fputs(" | ", md);
            cell(md, f[1].got_text ? f[1].got_text : "");
            fputs(" |\n", md);
        }
        fclose(md);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

/* ---- main ------------------------------------------------------------------------------------------------------- */

int rn_main(const struct rn_surface *surface, int argc, char **argv)
{
    S = surface;
    setvbuf(stdout, NULL, _IOLBF, 0);
    int corpus = argc == 4 && strcmp(argv[1], "corpus") == 0, faults = (argc == 3 || argc == 4) && strcmp(argv[1], "faults") == 0;
    if (!corpus && !faults) die("usage: %s corpus FLAT-FILE BASE-URL | faults MANIFEST [REPORT.md]", argv[0]);
    g_login = getenv("CB_TEST_LOGIN");
    g_password = getenv("CB_TEST_PASSWORD");
    if (!g_login || !g_password || !g_password[0]) die("set CB_TEST_LOGIN and CB_TEST_PASSWORD");
    if (!(g_password16 = rn_utf16(g_password, &g_password16_len))) die("CB_TEST_PASSWORD is not UTF-8");
#ifdef _WIN32
    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) die("WSAStartup failed");
    typedef const char *(CDECL * wine_get_version_fn)(void);
    wine_get_version_fn wine = (wine_get_version_fn)(void *)GetProcAddress(GetModuleHandleA("ntdll.dll"), "wine_get_version");
    if (wine) { g_wine = 1; snprintf(g_wine_version, sizeof g_wine_version, "Wine %s", wine()); }
#endif
    if (start_watchdog() != 0) die("the watchdog thread could not start");
    if (S->start && S->start() != 0) die("the surface could not start");
    return corpus ? run_corpus(argv[2], argv[3]) : run_faults(argv[2], argc == 4 ? argv[3] : NULL);
}
