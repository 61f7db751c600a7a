/*
** corpus_runner.c -- runs the bad-input corpus (tests/corpus, *.json) through libconnect_bridge.so.
**
** The corpus format and how a runner executes a case are in tests/corpus/README.md. JSON is flattened first by
** tests/native/corpus_flatten.py into a line format (described there) that this program reads; only the cases
** that list the `native` surface are in it.
**
** Each case runs twice, Russian and English (CB_OPT_LANGUAGE preset before the steps, with the base URL, login
** and password), on a fresh sender. A step whose values include `utf16` calls the _w twin. Checked for each run:
**   - the step that ends the run and its status, as expected;
**   - cb_last_status equals that status;
**   - cb_last_error gives the expected text byte for byte, and returns its size + 1;
**   - cb_last_error_w gives the same text as UTF-16, and returns its length + 1;
**   - the emulator's request count (GET /emulator/stats) grew by exactly the expected number (0 when status -1);
**   - the text does not contain the password.
** Cases that cb_send can express ([send] or [keyboard, send], presets only) also run once through cb_send /
** cb_send_w (Russian, its only language): status, the text in its error buffer, the request count.
**
** Prints one line per failed run, a line per corpus file, and "N passed, N failed" (cases) at the end; exits 1 on
** any failure, 2 on a usage or setup error, 3 when a case hangs (per-case alarm).
**
**   corpus_runner FLAT-FILE [PROGRESS-FILE]
** Environment: CB_TEST_BASE_URL, CB_TEST_LOGIN, CB_TEST_PASSWORD (never printed). The emulator must accept the
** corpus's line 5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44. PROGRESS-FILE, when given, holds the id of the case being
** run, so that a crash can be pinned to a case.
*/
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "connect_bridge.h"
#include "test_util.h"

#define CASE_ALARM_SECONDS 120 /* a case that has not finished by then is a hang: reported, exit 3 */
#define MAX_STEPS 16
#define SHOW_MAX 240           /* bytes of a text shown in a failure line */

static const char *g_base_url, *g_login, *g_password;
static int g_emulator_port;

/* ------------------------------------------------------------------------------------------- utilities */

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "corpus_runner: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) die("out of memory (%zu bytes)", n);
    return p;
}

/* ------------------------------------------------------------------------------------ emulator stats */

/* GET /emulator/stats with Connection: close; returns "requests", or -1 when the emulator cannot be read. */
static long emulator_requests(void)
{
    static const char req[] = "GET /emulator/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    char resp[4096];
    if (loopback_request(g_emulator_port, req, resp, sizeof resp) < 0) return -1;
    if (strncmp(resp, "HTTP/1.1 200", 12) != 0) return -1;
    const char *p = strstr(resp, "\"requests\"");
    if (!p || !(p = strchr(p, ':'))) return -1;
    return strtol(p + 1, NULL, 10);
}

/* ----------------------------------------------------------------------------------------------- values */

/* A decoded value: NULL, or a NUL-terminated byte string (narrow) or uint16_t string (wide). */
struct value {
    int is_null, wide;
    size_t len;   /* in units, without the terminator */
    void *data;   /* unsigned char[len + 1] or uint16_t[len + 1] */
};

/* Parses one part "HEX" or "HEX*COUNT" (ending at ',' or the token's end) into units; returns 0 on bad syntax. */
static int parse_part(const char *p, const char *end, int wide, uint16_t **units, size_t *n, size_t *count)
{
    const char *star = memchr(p, '*', (size_t)(end - p));
    const char *hex_end = star ? star : end;
    size_t digits = (size_t)(hex_end - p), per = wide ? 4 : 2;
    if (digits == 0 || digits % per) return 0;
    *n = digits / per;
    *units = xmalloc(*n * sizeof **units);
    for (size_t i = 0; i < *n; i++) {
        unsigned u = 0;
        for (size_t k = 0; k < per; k++) {
            int d = hexval(p[i * per + k]);
            if (d < 0) { free(*units); return 0; }
            u = u << 4 | (unsigned)d;
        }
        (*units)[i] = (uint16_t)u;
    }
    *count = 1;
    if (star) {
        char *stop;
        unsigned long long c = strtoull(star + 1, &stop, 10);
        if (stop != end || c > (1u << 24)) { free(*units); return 0; }
        *count = (size_t)c;
    }
    return 1;
}

/* Decodes a value token ("-", "+", "+HEX,HEX*N,..."); returns 0 on bad syntax. */
static int parse_value(const char *tok, int wide, struct value *v)
{
    memset(v, 0, sizeof *v);
    v->wide = wide;
    if (strcmp(tok, "-") == 0) { v->is_null = 1; return 1; }
    if (tok[0] != '+') return 0;
    const char *p = tok + 1, *end = tok + strlen(tok);
    /* two passes: length, then fill */
    size_t cap = 0, unit = wide ? 2 : 1;
    for (int pass = 0; pass < 2; pass++) {
        size_t at = 0;
        const char *q = p;
        if (pass == 1) v->data = xmalloc((cap + 1) * unit);
        while (q < end) {
            const char *comma = memchr(q, ',', (size_t)(end - q));
            const char *part_end = comma ? comma : end;
            uint16_t *units;
            size_t n, count;
            if (!parse_part(q, part_end, wide, &units, &n, &count)) { free(v->data); v->data = NULL; return 0; }
            if (pass == 0) {
                if (n && count > (SIZE_MAX / 4) / n) { free(units); return 0; }
                at += n * count;
            } else {
                for (size_t c = 0; c < count; c++)
                    for (size_t i = 0; i < n; i++, at++) {
                        if (wide) ((uint16_t *)v->data)[at] = units[i];
                        else ((unsigned char *)v->data)[at] = (unsigned char)units[i];
                    }
            }
            free(units);
            q = comma ? comma + 1 : end;
        }
        if (pass == 0) cap = at;
        else v->len = at;
    }
    if (wide) ((uint16_t *)v->data)[v->len] = 0;
    else ((unsigned char *)v->data)[v->len] = 0;
    /* A C string cannot carry U+0000: the converter refuses such cases, this only double-checks. */
    for (size_t i = 0; i < v->len; i++)
        if (wide ? ((uint16_t *)v->data)[i] == 0 : ((unsigned char *)v->data)[i] == 0) { free(v->data); return 0; }
    return 1;
}

static void free_value(struct value *v) { free(v->data); memset(v, 0, sizeof *v); }

static const char *narrow(const struct value *v) { return v->is_null ? NULL : (const char *)v->data; }
static const uint16_t *wide(const struct value *v) { return v->is_null ? NULL : (const uint16_t *)v->data; }

/* Valid UTF-8 (the corpus's expected texts) -> a malloc'd UTF-16 string; *len gets its length in units. */
static uint16_t *to_utf16(const char *s, size_t *len)
{
    size_t n = strlen(s);
    uint16_t *out = xmalloc((n + 1) * sizeof *out);
    *len = utf8_to_utf16(s, out);
    return out;
}

/* UTF-8 of one valid string of UTF-16 units (for showing a _w text in a failure line); lone surrogates -> U+FFFD. */
static char *from_utf16(const uint16_t *s)
{
    size_t n = 0;
    while (s[n]) n++;
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

static int u16eq(const uint16_t *a, const uint16_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) if (a[i] != b[i]) return 0;
    return a[n] == 0;
}

/* A text for a failure line: the password masked, cut after SHOW_MAX bytes (on a UTF-8 boundary), quoted. */
static const char *show(const char *text)
{
    static char ring[4][SHOW_MAX * 2 + 64];
    static int next;
    char *out = ring[next++ % 4], *w = out;
    const char *p = text;
    size_t plen = strlen(g_password);
    *w++ = '"';
    while (*p && (size_t)(w - out) < SHOW_MAX) {
        if (plen && strncmp(p, g_password, plen) == 0) { w += sprintf(w, "<PASSWORD>"); p += plen; continue; }
        unsigned char c = (unsigned char)*p;
        size_t seq = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (c == '\n' || c == '\r' || c == '\t') { w += sprintf(w, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't'); p++; continue; }
        for (size_t k = 0; k < seq && *p; k++) *w++ = *p++;
    }
    if (*p) w += sprintf(w, "…(%zu bytes)", strlen(text));
    *w++ = '"';
    *w = 0;
    return out;
}

/* --------------------------------------------------------------------------------------------- a case */

struct step {
    char kind;   /* O option, K keyboard, M send, D drop_keyboard */
    int wide, number; /* number: option id or keyboard format */
    int nargs;
    struct value args[3];
};

struct one_shot {
    int present, wide, format;
    struct value keyboard, line, user, text;
};

struct corpus_case {
    char *id;
    int nsteps;
    struct step steps[MAX_STEPS];
    struct one_shot once;
    int has_expect, exp_step, exp_status, exp_requests;
    struct value exp_ru, exp_en;   /* narrow */
};

static void free_case(struct corpus_case *c)
{
    free(c->id);
    for (int i = 0; i < c->nsteps; i++)
        for (int k = 0; k < c->steps[i].nargs; k++) free_value(&c->steps[i].args[k]);
    free_value(&c->once.keyboard); free_value(&c->once.line); free_value(&c->once.user); free_value(&c->once.text);
    free_value(&c->exp_ru); free_value(&c->exp_en);
    memset(c, 0, sizeof *c);
}

/* ------------------------------------------------------------------------------------------ running */

static volatile const char *g_current = "(none)";
static int g_progress_fd = -1;
static long g_texts_seen, g_texts_with_password;

static void on_alarm(int sig)
{
    (void)sig;
    hang_exit("FAIL HANG: no answer within the per-case limit; case ", (const char *)g_current);
}

static void set_current(const char *what)
{
    g_current = what;
    if (g_progress_fd >= 0) {
        if (pwrite(g_progress_fd, what, strlen(what), 0) < 0 || ftruncate(g_progress_fd, (off_t)strlen(what)) != 0) { /* best effort */ }
    }
}

static int is_call(char kind) { return kind == 'M' || kind == 'D'; }

static int run_step(cb_sender *s, const struct step *st)
{
    const struct value *a = st->args;
    switch (st->kind) {
    case 'O': return st->wide ? cb_set_option_w(s, st->number, wide(&a[0])) : cb_set_option(s, st->number, narrow(&a[0]));
    case 'K': return st->wide ? cb_set_keyboard_w(s, wide(&a[0]), st->number) : cb_set_keyboard(s, narrow(&a[0]), st->number);
    case 'M': return st->wide ? cb_send_message_w(s, wide(&a[0]), wide(&a[1]), wide(&a[2]))
                              : cb_send_message(s, narrow(&a[0]), narrow(&a[1]), narrow(&a[2]));
    case 'D': return st->wide ? cb_drop_keyboard_w(s, wide(&a[0]), wide(&a[1])) : cb_drop_keyboard(s, narrow(&a[0]), narrow(&a[1]));
    }
    return -1000;
}

static void saw_text(struct report *r, const char *text)
{
    g_texts_seen++;
    if (g_password[0] && strstr(text, g_password)) { g_texts_with_password++; problem(r, "the error text contains the password"); }
}

/* One run of a case through a sender in one language. Returns 1 when it passed. */
static int run_sender(const struct corpus_case *c, const char *lang)
{
    struct report r = { .len = 0 };
    cb_sender *s = cb_sender_create();
    if (!s) { printf("FAIL %s [%s]: cb_sender_create returned NULL\n", c->id, lang); return 0; }
    const char *presets[4][2] = { { "1", g_base_url }, { "2", g_login }, { "3", g_password }, { "5", lang } };
    for (int i = 0; i < 4; i++) {
        int rc = cb_set_option(s, atoi(presets[i][0]), presets[i][1]);
        if (rc != 0) problem(&r, "preset option %s -> %d", presets[i][0], rc);
    }
    long before = emulator_requests();
    if (before < 0) problem(&r, "GET /emulator/stats failed before the steps");

    int step = -1, status = 0;
    for (int i = 0; i < c->nsteps; i++) {
        step = i;
        status = run_step(s, &c->steps[i]);
        int ok = is_call(c->steps[i].kind) ? status >= 200 && status <= 299 : status == 0;
        if (!ok) break;
    }
    long after = emulator_requests();
    if (after < 0) problem(&r, "GET /emulator/stats failed after the steps");

    const struct value *exp = strcmp(lang, "ru") == 0 ? &c->exp_ru : &c->exp_en;
    const char *expected = narrow(exp);
    if (step != c->exp_step) problem(&r, "ended at step %d, expected %d", step, c->exp_step);
    if (status != c->exp_status) problem(&r, "status %d, expected %d", status, c->exp_status);
    int last_status = cb_last_status(s);
    if (last_status != status) problem(&r, "cb_last_status %d, but the call returned %d", last_status, status);

    int needed = cb_last_error(s, NULL, 0);
    char *text = xmalloc(needed > 0 ? (size_t)needed : 1);
    int got = needed > 0 ? cb_last_error(s, text, needed) : -1;
    if (needed < 1 || got != needed || strlen(text) + 1 != (size_t)needed) {
        problem(&r, "cb_last_error returned %d then %d", needed, got);
        if (needed < 1) text[0] = 0;
    }
    saw_text(&r, text);
    if (strcmp(text, expected) != 0) problem(&r, "text %s, expected %s", show(text), show(expected));

    size_t exp_len16;
    uint16_t *expected16 = to_utf16(expected, &exp_len16);
    int needed16 = cb_last_error_w(s, NULL, 0);
    uint16_t *text16 = xmalloc((needed16 > 0 ? (size_t)needed16 : 1) * sizeof *text16);
    int got16 = needed16 > 0 ? cb_last_error_w(s, text16, needed16) : -1;
    if (needed16 < 1 || got16 != needed16) { problem(&r, "cb_last_error_w returned %d then %d", needed16, got16); text16[0] = 0; }
    else if ((size_t)needed16 != exp_len16 + 1 || !u16eq(text16, expected16, exp_len16)) {
        char *shown = from_utf16(text16);
        problem(&r, "cb_last_error_w text %s (size %d), expected the same as UTF-16 (size %zu)", show(shown), needed16, exp_len16 + 1);
        free(shown);
    }
    if (before >= 0 && after >= 0 && after - before != c->exp_requests)
        problem(&r, "emulator requests +%ld, expected +%d", after - before, c->exp_requests);

    free(text); free(text16); free(expected16);
    cb_sender_destroy(s);
    if (r.problems) printf("FAIL %s [%s]: %s\n", c->id, lang, r.buf);
    return r.problems == 0;
}

/* The case as one cb_send / cb_send_w call, Russian. Returns 1 when it passed. */
static int run_one_shot(const struct corpus_case *c)
{
    const struct one_shot *o = &c->once;
    struct report r = { .len = 0 };
    long before = emulator_requests();
    if (before < 0) problem(&r, "GET /emulator/stats failed before the call");
    int status;
    char *text;
    enum { BUF = 8192 };
    if (!o->wide) {
        text = xmalloc(BUF);
        memset(text, 'x', BUF);
        status = cb_send(g_base_url, g_login, g_password, narrow(&o->line), narrow(&o->user), narrow(&o->text),
                         narrow(&o->keyboard), o->format, text, BUF);
        if (!memchr(text, 0, BUF)) { problem(&r, "cb_send left its error buffer unterminated"); text[BUF - 1] = 0; }
    } else {
        size_t n;
        uint16_t *base = to_utf16(g_base_url, &n), *login = to_utf16(g_login, &n), *password = to_utf16(g_password, &n);
        uint16_t *buf = xmalloc(BUF * sizeof *buf);
        for (int i = 0; i < BUF; i++) buf[i] = 'x';
        status = cb_send_w(base, login, password, wide(&o->line), wide(&o->user), wide(&o->text), wide(&o->keyboard),
                           o->format, buf, BUF);
        int terminated = 0;
        for (int i = 0; i < BUF && !terminated; i++) terminated = buf[i] == 0;
        if (!terminated) { problem(&r, "cb_send_w left its error buffer unterminated"); buf[BUF - 1] = 0; }
        text = from_utf16(buf);
        /* compare as UTF-16 too: from_utf16 would hide a lone surrogate */
        size_t exp_len16;
        uint16_t *expected16 = to_utf16(narrow(&c->exp_ru), &exp_len16);
        if (!u16eq(buf, expected16, exp_len16)) problem(&r, "cb_send_w buffer differs from the expected text as UTF-16");
        free(expected16); free(buf); free(base); free(login); free(password);
    }
    long after = emulator_requests();
    if (after < 0) problem(&r, "GET /emulator/stats failed after the call");
    saw_text(&r, text);
    if (status != c->exp_status) problem(&r, "status %d, expected %d", status, c->exp_status);
    if (strcmp(text, narrow(&c->exp_ru)) != 0) problem(&r, "text %s, expected %s", show(text), show(narrow(&c->exp_ru)));
    if (before >= 0 && after >= 0 && after - before != c->exp_requests)
        problem(&r, "emulator requests +%ld, expected +%d", after - before, c->exp_requests);
    free(text);
    if (r.problems) printf("FAIL %s [%s, ru]: %s\n", c->id, o->wide ? "cb_send_w" : "cb_send", r.buf);
    return r.problems == 0;
}

/* ----------------------------------------------------------------------------------------- the file */

/* Splits line into space-separated tokens (in place); returns how many. */
static int tokens(char *line, char **tok, int max)
{
    int n = 0;
    for (char *p = strtok(line, " "); p && n < max; p = strtok(NULL, " ")) tok[n++] = p;
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) die("usage: corpus_runner FLAT-FILE [PROGRESS-FILE]");
    g_base_url = getenv("CB_TEST_BASE_URL");
    g_login = getenv("CB_TEST_LOGIN");
    g_password = getenv("CB_TEST_PASSWORD");
    if (!g_base_url || !g_login || !g_password || !g_password[0]) die("set CB_TEST_BASE_URL, CB_TEST_LOGIN, CB_TEST_PASSWORD");
    if (strncmp(g_base_url, "http://127.0.0.1:", 17) != 0) die("CB_TEST_BASE_URL must be http://127.0.0.1:PORT");
    g_emulator_port = atoi(g_base_url + 17);
    FILE *f = fopen(argv[1], "r");
    if (!f) die("cannot open %s: %s", argv[1], strerror(errno));
    if (argc == 3) {
        g_progress_fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (g_progress_fd < 0) die("cannot open %s: %s", argv[2], strerror(errno));
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGALRM, on_alarm);
    if (emulator_requests() < 0) die("the emulator at %s does not answer GET /emulator/stats", g_base_url);
    printf("corpus (native): library %s, emulator %s\n", cb_version(), g_base_url);

    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int declared = -1, read_cases = 0, passed = 0, failed = 0;
    int file_passed = 0, file_failed = 0;
    long runs = 0, one_shots = 0;
    char file[256] = "";
    struct corpus_case c;
    memset(&c, 0, sizeof c);
    int in_case = 0;

    #define BAD(...) do { fprintf(stderr, "corpus_runner: %s:%ld: ", argv[1], lineno); fprintf(stderr, __VA_ARGS__); \
                          fprintf(stderr, "\n"); exit(2); } while (0)

    while ((n = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (line[n - 1] == '\n') line[--n] = 0;
        char *tok[8];
        int nt = tokens(line, tok, 8);
        if (nt == 0) continue;
        char kind = tok[0][0];
        if (kind == 'F' && nt == 2) {
            if (file[0]) printf("  %s: %d passed, %d failed\n", file, file_passed, file_failed);
            snprintf(file, sizeof file, "%s", tok[1]);
            file_passed = file_failed = 0;
        } else if (kind == 'C' && nt == 2) {
            if (in_case) BAD("case inside a case");
            in_case = 1;
            c.id = strdup(tok[1]);
        } else if (kind == 'S' && nt >= 4 && in_case) {
            if (c.nsteps == MAX_STEPS) BAD("more than %d steps", MAX_STEPS);
            struct step *st = &c.steps[c.nsteps++];
            st->kind = tok[1][0];
            st->wide = tok[2][0] == 'W';
            int first = 3;
            if (st->kind == 'O' || st->kind == 'K') st->number = atoi(tok[first++]);
            st->nargs = nt - first;
            int want = st->kind == 'M' ? 3 : st->kind == 'D' ? 2 : 1;
            if (st->nargs != want) BAD("step %c has %d values, expected %d", st->kind, st->nargs, want);
            for (int k = 0; k < st->nargs; k++)
                if (!parse_value(tok[first + k], st->wide, &st->args[k])) BAD("bad value %d", k);
        } else if (kind == 'O' && nt == 7 && in_case) {
            struct one_shot *o = &c.once;
            o->present = 1;
            o->wide = tok[1][0] == 'W';
            o->format = atoi(tok[2]);
            if (!parse_value(tok[3], o->wide, &o->keyboard) || !parse_value(tok[4], o->wide, &o->line) ||
                !parse_value(tok[5], o->wide, &o->user) || !parse_value(tok[6], o->wide, &o->text)) BAD("bad one-shot value");
        } else if (kind == 'X' && nt == 6 && in_case) {
            c.has_expect = 1;
            c.exp_step = atoi(tok[1]);
            c.exp_status = atoi(tok[2]);
            c.exp_requests = atoi(tok[3]);
            if (!parse_value(tok[4], 0, &c.exp_ru) || !parse_value(tok[5], 0, &c.exp_en) || c.exp_ru.is_null || c.exp_en.is_null)
                BAD("bad expected text");
        } else if (kind == 'E' && nt == 1 && in_case) {
            if (!c.has_expect || c.nsteps == 0) BAD("case %s without steps or expectation", c.id);
            read_cases++;
            int ok = 1;
            char current[512];
            const char *langs[2] = { "ru", "en" };
            for (int l = 0; l < 2; l++) {
                snprintf(current, sizeof current, "%s [%s]", c.id, langs[l]);
                set_current(current);
                alarm(CASE_ALARM_SECONDS);
                ok &= run_sender(&c, langs[l]);
                alarm(0);
                runs++;
            }
            if (c.once.present) {
                snprintf(current, sizeof current, "%s [%s]", c.id, c.once.wide ? "cb_send_w" : "cb_send");
                set_current(current);
                alarm(CASE_ALARM_SECONDS);
                ok &= run_one_shot(&c);
                alarm(0);
                one_shots++;
            }
            set_current("(between cases)");
            if (ok) { passed++; file_passed++; } else { failed++; file_failed++; }
            free_case(&c);
            in_case = 0;
        } else if (kind == 'N' && nt == 2 && !in_case) {
            declared = atoi(tok[1]);
        } else {
            BAD("unexpected line (%s)", tok[0]);
        }
    }
    free(line);
    fclose(f);
    if (file[0]) printf("  %s: %d passed, %d failed\n", file, file_passed, file_failed);
    if (in_case || declared != read_cases) {
        printf("FAIL the flat corpus is truncated: %d cases read, %d declared\n", read_cases, declared);
        failed++;
    }
    if (g_texts_with_password) {
        printf("FAIL the password appears in %ld of %ld error texts\n", g_texts_with_password, g_texts_seen);
    }
    printf("corpus (native): %d cases, %ld sender runs (ru + en), %ld one-shot runs (cb_send/cb_send_w); "
           "the password in %ld of %ld error texts\n",
           read_cases, runs, one_shots, g_texts_with_password, g_texts_seen);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && g_texts_with_password == 0 ? 0 : 1;
}
