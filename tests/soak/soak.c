/*
** soak.c -- soak of the native library: T threads x N sends through libconnect_bridge.so against the emulator,
** each thread with its own sender (cb_sender_create / cb_send_message), a unique text per message
** ("soak <run> tNN sNNNNNNN"). The native twin of tests/soak/Program.cs; started by ./build.sh soak.
**
** Passes when every send returned 200, the emulator counted exactly T x N requests and accepted calls, and its
** records (GET /emulator/messages) hold every (thread, seq) exactly once and nothing else. Reports VmRSS of this
** process (the emulator runs in another one) at every 10 000 sends and the growth between 10k and the end.
**
**   soak [--threads 8] [--messages 10000] [--short] [--json FILE] [--inject lost|duplicate]
** Environment: CB_SOAK_BASE_URL (http://127.0.0.1:PORT), CB_SOAK_LOGIN, CB_SOAK_PASSWORD (never printed).
** --inject skips or repeats one send, to show that the check fails then. Exit: 0 pass, 1 fail, 2 setup error.
*/
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "connect_bridge.h"
#include "../native/test_util.h"

static const char *LINE_ID = "5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44";
static const char *USER_ID = "df4cca69-ce40-472e-9083-af9b279c72cc";

static const char *g_base_url, *g_login, *g_password;
static int g_port, g_threads = 8, g_messages = 10000, g_warm_up = 1000;
static const char *g_inject = "";
static char g_run[9];

static int setup_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "soak: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    return 2;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) { kb = strtol(line + 6, NULL, 10); break; }
    fclose(f);
    return kb;
}

/* --------------------------------------------------------------------------------- emulator over HTTP */

/* One request with Connection: close; returns the malloc'd body (chunked decoded) and the status, or NULL. */
static char *http(const char *method, const char *path, int *status, size_t *body_len)
{
    *status = 0;
    int fd = connect_loopback(g_port, 60);   /* per read: bounded even if the emulator stalls */
    if (fd < 0) return NULL;
    if (write_request(fd, method, path) != 0) { close(fd); return NULL; }
    size_t cap = 1 << 20, len = 0;
    char *resp = malloc(cap);
    int ok = 1;
    while (resp) {
        if (len + 65536 + 1 > cap) {
            if (cap >= ((size_t)1 << 31)) { ok = 0; break; }   /* 2 GB: something is wrong */
            char *bigger = realloc(resp, cap *= 2);
            if (!bigger) { ok = 0; break; }
            resp = bigger;
        }
        ssize_t r = read(fd, resp + len, 65536);
        if (r == 0) break;
        if (r < 0) { ok = 0; break; }   /* includes the read timeout */
        len += (size_t)r;
    }
    close(fd);
    if (!resp || !ok) { free(resp); return NULL; }
    resp[len] = 0;
    char *body = strstr(resp, "\r\n\r\n");
    if (!body || sscanf(resp, "HTTP/1.1 %d", status) != 1) { free(resp); return NULL; }
    *body = 0;
    body += 4;
    size_t blen = len - (size_t)(body - resp);
    char *out = malloc(blen + 1);
    if (!out) { free(resp); return NULL; }
    if (strcasestr(resp, "\r\nTransfer-Encoding: chunked")) {
        char *w = out, *p = body, *end = body + blen;
        for (;;) {
            char *stop;
            unsigned long size = strtoul(p, &stop, 16);
            if (stop == p) { free(out); free(resp); return NULL; }
            if (size == 0) break;
            p = strstr(stop, "\r\n");
            if (!p || p + 2 + size > end) { free(out); free(resp); return NULL; }
            p += 2;
            memcpy(w, p, size);
            w += size;
            p += size + 2;
        }
        *w = 0;
        *body_len = (size_t)(w - out);
    } else {
        memcpy(out, body, blen);
        out[blen] = 0;
        *body_len = blen;
    }
    free(resp);
    return out;
}

/* ------------------------------------------------------- a minimal JSON walk over /emulator/messages */

struct tally {
    unsigned short *counts;   /* [thread * messages + seq] */
    long records, foreign;
};

static void skip_ws(const char **p) { while (**p == ' ' || **p == '\n' || **p == '\r' || **p == '\t') (*p)++; }

/* Reads a JSON string at *p into out (up to cap-1 bytes, escapes resolved, non-ASCII kept as is); 0 on bad JSON. */
static int read_string(const char **p, char *out, size_t cap, size_t *len)
{
    if (**p != '"') return 0;
    (*p)++;
    size_t n = 0;
    while (**p && **p != '"') {
        char c = **p;
        if (c == '\\') {
            (*p)++;
            char e = **p;
            if (!e) return 0;
            if (e == 'u') {
                for (int k = 1; k <= 4; k++) if (!isxdigit((unsigned char)(*p)[k])) return 0;
                c = '?';   /* an escaped character is never part of a soak text */
                *p += 4;
            } else c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b' : e == 'f' ? '\f' : e;
        }
        if (n + 1 < cap) out[n] = c;
        n++;
        (*p)++;
    }
    if (**p != '"') return 0;
    (*p)++;
    if (out && cap) out[n < cap ? n : cap - 1] = 0;
    *len = n;
    return 1;
}

static int skip_value(const char **p, int depth)
{
    skip_ws(p);
    size_t len;
    if (depth > 64) return 0;
    if (**p == '"') return read_string(p, NULL, 0, &len);
    if (**p == '{' || **p == '[') {
        char close = **p == '{' ? '}' : ']';
        int object = **p == '{';
        (*p)++;
        skip_ws(p);
        if (**p == close) { (*p)++; return 1; }
        for (;;) {
            if (object) {
                skip_ws(p);
                if (!read_string(p, NULL, 0, &len)) return 0;
                skip_ws(p);
                if (**p != ':') return 0;
                (*p)++;
            }
            if (!skip_value(p, depth + 1)) return 0;
            skip_ws(p);
            if (**p == ',') { (*p)++; continue; }
            if (**p == close) { (*p)++; return 1; }
            return 0;
        }
    }
    const char *start = *p;
    while (**p && strchr("+-0123456789.eEtruefalsn", **p)) (*p)++;
    return *p > start;
}

/* "soak <run> tNN sNNNNNNN" (exactly) -> counted; anything else is foreign. */
static void count_text(struct tally *t, const char *x, size_t len, int is_null)
{
    t->records++;
    int ok = !is_null && len == 26 && memcmp(x, "soak ", 5) == 0 && memcmp(x + 5, g_run, 8) == 0 &&
             memcmp(x + 13, " t", 2) == 0 && memcmp(x + 17, " s", 2) == 0;
    for (int i = 15; ok && i < 26; i++) ok = (i == 17 || i == 18) || isdigit((unsigned char)x[i]);
    if (ok) {
        int th = (x[15] - '0') * 10 + (x[16] - '0');
        long seq = strtol(x + 19, NULL, 10);
        if (th < g_threads && seq < g_messages) {
            unsigned short *c = &t->counts[(size_t)th * (size_t)g_messages + (size_t)seq];
            if (*c < 65535) (*c)++;
            return;
        }
    }
    t->foreign++;
}

/* Walks [ {..., "text": "...", ...}, ... ]; 0 when the body is not such JSON. */
static int tally_messages(const char *json, struct tally *t)
{
    const char *p = json;
    skip_ws(&p);
    if (*p != '[') return 0;
    p++;
    skip_ws(&p);
    if (*p == ']') return 1;
    char key[32], text[128];
    for (;;) {
        skip_ws(&p);
        if (*p != '{') return 0;
        p++;
        int have_text = 0, text_null = 1;
        size_t text_len = 0, len;
        skip_ws(&p);
        if (*p == '}') p++;
        else for (;;) {
            skip_ws(&p);
            if (!read_string(&p, key, sizeof key, &len)) return 0;
            skip_ws(&p);
            if (*p != ':') return 0;
            p++;
            skip_ws(&p);
            if (len == 4 && strcmp(key, "text") == 0) {
                have_text = 1;
                if (*p == '"') {
                    if (!read_string(&p, text, sizeof text, &text_len)) return 0;
                    text_null = 0;
                } else if (!skip_value(&p, 1)) return 0;
            } else if (!skip_value(&p, 1)) return 0;
            skip_ws(&p);
            if (*p == ',') { p++; continue; }
            if (*p == '}') { p++; break; }
            return 0;
        }
        count_text(t, text, text_len, !have_text || text_null || text_len >= sizeof text);
        skip_ws(&p);
        if (*p == ',') { p++; continue; }
        if (*p == ']') return 1;
        return 0;
    }
}

/* ------------------------------------------------------------------------------------------ the sends */

struct sample { long sends, rss_kb; double seconds; };

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sample *g_samples;
static int g_nsamples;
static atomic_long g_sent;
static long g_total;
static double g_start;

#define MAX_FAILURES_SHOWN 20
static char g_failures[MAX_FAILURES_SHOWN][600];
static int g_nfailures;

struct worker { int index, warm; long failed; int setup_failed; };

static cb_sender *new_sender(void)
{
    cb_sender *s = cb_sender_create();
    if (!s) return NULL;
    if (cb_set_option(s, CB_OPT_BASE_URL, g_base_url) || cb_set_option(s, CB_OPT_LOGIN, g_login) ||
        cb_set_option(s, CB_OPT_PASSWORD, g_password) || cb_set_option(s, CB_OPT_LANGUAGE, "en")) {
        cb_sender_destroy(s);
        return NULL;
    }
    return s;
}

static void record_failure(int t, int seq, int status, cb_sender *s)
{
    char err[400];
    cb_last_error(s, err, sizeof err);
    if (g_password[0] && strstr(err, g_password)) snprintf(err, sizeof err, "(text withheld: it contains the password)");
    pthread_mutex_lock(&g_lock);
    if (g_nfailures < MAX_FAILURES_SHOWN)
        snprintf(g_failures[g_nfailures++], sizeof g_failures[0], "t%d s%d: %d %s", t, seq, status, err);
    pthread_mutex_unlock(&g_lock);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    cb_sender *s = new_sender();
    if (!s) { w->setup_failed = 1; return NULL; }
    char text[64];
    if (w->warm) {
        for (int i = 0; i < g_warm_up; i++) {
            snprintf(text, sizeof text, "warm-up t%d %d", w->index, i);
            if (cb_send_message(s, LINE_ID, USER_ID, text) != 200) w->failed++;
        }
        cb_sender_destroy(s);
        return NULL;
    }
    for (int seq = 0; seq < g_messages; seq++) {
        long n;
        if (strcmp(g_inject, "lost") == 0 && w->index == 0 && seq == 1) {   /* checks the checker */
            n = atomic_fetch_add(&g_sent, 1) + 1;
        } else {
            snprintf(text, sizeof text, "soak %s t%02d s%07d", g_run, w->index, seq);
            int status = cb_send_message(s, LINE_ID, USER_ID, text);
            if (strcmp(g_inject, "duplicate") == 0 && w->index == 0 && seq == 0) cb_send_message(s, LINE_ID, USER_ID, text);
            if (status != 200) { w->failed++; record_failure(w->index, seq, status, s); }
            n = atomic_fetch_add(&g_sent, 1) + 1;
        }
        if (n % 10000 == 0 || n == g_total) {
            long kb = rss_kb();
            double sec = now_seconds() - g_start;
            pthread_mutex_lock(&g_lock);
            g_samples[g_nsamples++] = (struct sample){ n, kb, sec };
            pthread_mutex_unlock(&g_lock);
        }
    }
    cb_sender_destroy(s);
    return NULL;
}

/* Runs T workers; returns the number of failed sends, or -1 when a sender could not be set up. */
static long run_workers(int warm)
{
    pthread_t *t = calloc((size_t)g_threads, sizeof *t);
    struct worker *w = calloc((size_t)g_threads, sizeof *w);
    long failed = 0;
    int setup_failed = 0, started = 0;
    for (int i = 0; i < g_threads; i++, started++) {
        w[i] = (struct worker){ .index = i, .warm = warm };
        if (pthread_create(&t[i], NULL, worker_main, &w[i]) != 0) { setup_failed = 1; break; }
    }
    for (int i = 0; i < started; i++) {
        pthread_join(t[i], NULL);
        failed += w[i].failed;
        setup_failed |= w[i].setup_failed;
    }
    free(t);
    free(w);
    return setup_failed ? -1 : failed;
}

static int cmp_sample(const void *a, const void *b)
{
    const struct sample *x = a, *y = b;
    return (x->sends > y->sends) - (x->sends < y->sends);
}

static const char *arg_value(int argc, char **argv, const char *name)
{
    for (int i = 1; i + 1 < argc; i++) if (strcmp(argv[i], name) == 0) return argv[i + 1];
    return NULL;
}

static void machine(char *out, size_t cap)
{
    char os[128] = "Linux";
    FILE *f = fopen("/etc/os-release", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "PRETTY_NAME=", 12) == 0) {
                char *v = line + 12, *e;
                if (*v == '"') v++;
                if ((e = strpbrk(v, "\"\n"))) *e = 0;
                snprintf(os, sizeof os, "%.100s", v);
            }
        fclose(f);
    }
    snprintf(out, cap, "%ld CPUs, %s, libconnect_bridge %s (NativeAOT)", sysconf(_SC_NPROCESSORS_ONLN), os, cb_version());
}

int main(int argc, char **argv)
{
    int short_run = 0;
    for (int i = 1; i < argc; i++) if (strcmp(argv[i], "--short") == 0) short_run = 1;
    if (short_run) { g_messages = 500; g_warm_up = 100; }
    const char *v;
    if ((v = arg_value(argc, argv, "--threads"))) g_threads = atoi(v);
    if ((v = arg_value(argc, argv, "--messages"))) g_messages = atoi(v);
    if ((v = arg_value(argc, argv, "--inject"))) g_inject = v;
    const char *json_path = arg_value(argc, argv, "--json");
    if (g_threads < 1 || g_threads > 64 || g_messages < 1 || g_messages > 1000000)
        return setup_error("threads 1..64, messages 1..1000000");
    if (g_inject[0] && strcmp(g_inject, "lost") != 0 && strcmp(g_inject, "duplicate") != 0)
        return setup_error("--inject lost|duplicate");
    g_base_url = getenv("CB_SOAK_BASE_URL");
    g_login = getenv("CB_SOAK_LOGIN");
    g_password = getenv("CB_SOAK_PASSWORD");
    if (!g_base_url || !g_login || !g_password || !g_password[0]) return setup_error("set CB_SOAK_BASE_URL, CB_SOAK_LOGIN, CB_SOAK_PASSWORD");
    if (strncmp(g_base_url, "http://127.0.0.1:", 17) != 0) return setup_error("CB_SOAK_BASE_URL must be http://127.0.0.1:PORT");
    g_port = atoi(g_base_url + 17);
    setvbuf(stdout, NULL, _IOLBF, 0);

    unsigned char rnd[4];
    FILE *ur = fopen("/dev/urandom", "rb");
    if (!ur || fread(rnd, 1, sizeof rnd, ur) != sizeof rnd) return setup_error("cannot read /dev/urandom");
    fclose(ur);
    snprintf(g_run, sizeof g_run, "%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3]);
    g_total = (long)g_threads * g_messages;
    g_samples = calloc((size_t)(g_total / 10000 + 3), sizeof *g_samples);

    printf("soak (native): %d threads x %d sends = %ld through libconnect_bridge.so %s (cb_send_message), "
           "emulator in another process at %s\n", g_threads, g_messages, g_total, cb_version(), g_base_url);

    /* warm-up: the same load, not counted, so that "RSS at 10k" is a warmed-up figure; then a clean emulator */
    long warm_failed = run_workers(1);
    if (warm_failed != 0) return setup_error("warm-up: %ld sends failed%s", warm_failed, warm_failed < 0 ? " (sender setup)" : "");
    printf("warm-up: %d x %d sends (not counted), RSS %.1f MB\n", g_threads, g_warm_up, rss_kb() / 1024.0);
    int st;
    size_t blen;
    char *reset = http("POST", "/emulator/reset", &st, &blen);
    if (!reset || st != 200) return setup_error("POST /emulator/reset failed (%d)", st);
    free(reset);

    /* the sends */
    g_samples[g_nsamples++] = (struct sample){ 0, rss_kb(), 0 };
    g_start = now_seconds();
    long failed = run_workers(0);
    double seconds = now_seconds() - g_start;
    if (failed < 0) return setup_error("a sender could not be set up");
    qsort(g_samples, (size_t)g_nsamples, sizeof *g_samples, cmp_sample);
    struct sample end = g_samples[g_nsamples - 1], at10k = { 0, 0, 0 };
    for (int i = 0; i < g_nsamples; i++) if (g_samples[i].sends == 10000) at10k = g_samples[i];

    /* the emulator's records */
    char *stats = http("GET", "/emulator/stats", &st, &blen);
    if (!stats || st != 200) return setup_error("GET /emulator/stats failed (%d)", st);
    long requests = json_number(stats, "requests"), accepted = json_number(stats, "accepted");
    free(stats);
    char *messages = http("GET", "/emulator/messages", &st, &blen);
    if (!messages || st != 200) return setup_error("GET /emulator/messages failed (%d)", st);
    struct tally t = { .counts = calloc((size_t)g_total, sizeof(unsigned short)) };
    if (!t.counts) return setup_error("out of memory");
    if (!tally_messages(messages, &t)) return setup_error("GET /emulator/messages is not the expected JSON array (%zu bytes)", blen);
    free(messages);
    long lost = 0, duplicated = 0;
    for (long i = 0; i < g_total; i++) {
        if (t.counts[i] == 0) lost++;
        else if (t.counts[i] > 1) duplicated += t.counts[i] - 1;
    }
    free(t.counts);

    /* report */
    printf("sends: %ld, returned 200: %ld, failed: %ld\n", g_total, g_total - failed, failed);
    printf("emulator: requests %ld, accepted %ld, records %ld, foreign records %ld\n", requests, accepted, t.records, t.foreign);
    printf("lost: %ld, duplicated: %ld\n", lost, duplicated);
    printf("time: %.1f s, %.0f sends/s\n", seconds, g_total / seconds);
    printf("RSS by sends (MB):");
    for (int i = 0; i < g_nsamples; i++) printf("%s %ldk=%.1f", i ? "," : "", g_samples[i].sends / 1000, g_samples[i].rss_kb / 1024.0);
    printf("\n");
    if (at10k.sends == 10000)
        printf("RSS at 10k: %.1f MB, at %ldk: %.1f MB, growth: %+.1f MB\n", at10k.rss_kb / 1024.0, end.sends / 1000,
               end.rss_kb / 1024.0, (end.rss_kb - at10k.rss_kb) / 1024.0);
    else
        printf("RSS at start: %.1f MB, at %ld: %.1f MB (short run: fewer than 10k sends)\n", g_samples[0].rss_kb / 1024.0,
               end.sends, end.rss_kb / 1024.0);
    for (int i = 0; i < g_nfailures; i++) printf("  failure: %s\n", g_failures[i]);

    int pass = lost == 0 && duplicated == 0 && t.foreign == 0 && failed == 0 && t.records == g_total &&
               accepted == g_total && requests == g_total;
    if (json_path) {
        FILE *j = fopen(json_path, "w");
        if (!j) return setup_error("cannot write %s: %s", json_path, strerror(errno));
        char mach[256];
        machine(mach, sizeof mach);
        fprintf(j, "{\n  \"surface\": \"native\",\n  \"api\": \"libconnect_bridge.so cb_send_message\",\n"
                   "  \"emulator\": \"child-process\",\n");
        fprintf(j, "  \"threads\": %d,\n  \"messages\": %d,\n  \"total\": %ld,\n  \"failed\": %ld,\n  \"lost\": %ld,\n"
                   "  \"duplicated\": %ld,\n  \"foreign\": %ld,\n  \"records\": %ld,\n  \"requests\": %ld,\n"
                   "  \"accepted\": %ld,\n  \"pass\": %s,\n  \"warm_up_sends\": %d,\n  \"seconds\": %.1f,\n  \"rss_mb\": [\n",
                g_threads, g_messages, g_total, failed, lost, duplicated, t.foreign, t.records, requests, accepted,
                pass ? "true" : "false", g_threads * g_warm_up, seconds);
        for (int i = 0; i < g_nsamples; i++)
            fprintf(j, "    {\n      \"sends\": %ld,\n      \"rss\": %.1f,\n      \"managed_heap\": null\n    }%s\n",
                    g_samples[i].sends, g_samples[i].rss_kb / 1024.0, i + 1 < g_nsamples ? "," : "");
        fprintf(j, "  ],\n");
        if (at10k.sends == 10000) fprintf(j, "  \"rss_growth_10k_to_end_mb\": %.1f,\n", (end.rss_kb - at10k.rss_kb) / 1024.0);
        else fprintf(j, "  \"rss_growth_10k_to_end_mb\": null,\n");
        fprintf(j, "  \"machine\": \"%s\"\n}\n", mach);
        fclose(j);
    }
    printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
