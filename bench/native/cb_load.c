/*
** cb_load.c -- throughput and memory of the native library, called from C.
**
**   cb_load seq  N WARMUP          one sender, one thread: WARMUP untimed sends, then N timed sends
**                                  (the shared pool keeps them on one keep-alive connection)
**   cb_load conc T N WARMUP        T threads, one sender each (a sender is used by one thread at a time);
**                                  each thread sends WARMUP untimed, waits for the others, then N/T timed
**   cb_load rss  N STEP            one sender, N sends; prints VmRSS/VmHWM every STEP sends
**   cb_load multi S M              S senders one after another (create, M sends, destroy), as a program that
**                                  makes a sender per call does: with the shared pool they all use one
**                                  connection (over TLS the server's handshake count proves it)
**
** Prints "result key=value ..." lines for bench/run.sh. Exits 1 if any send was not 2xx.
** See bench_common.h for the environment.
*/
#include "bench_common.h"
#include "../proc_status.h"

#include <pthread.h>
#include <string.h>
#include <sys/resource.h>

static struct bench_msg g_msg;

/* CPU seconds (user + system) of the whole process so far: the client's own cost per message. */
static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* ---------------------------------------------------------------- seq */

static int run_seq(long n, long warmup)
{
    cb_sender *s = bench_sender(&g_msg);
    long failed = 0;
    for (long i = 0; i < warmup; i++) failed += !bench_send(s, &g_msg);
    double t0 = now_seconds(), c0 = cpu_seconds();
    for (long i = 0; i < n; i++) failed += !bench_send(s, &g_msg);
    double dt = now_seconds() - t0, dc = cpu_seconds() - c0;
    cb_sender_destroy(s);
    printf("result mode=seq sent=%ld failed=%ld seconds=%.4f msgs_per_s=%.1f cpu_us_per_msg=%.1f\n", n, failed, dt,
           (double)n / dt, dc * 1e6 / (double)n);
    return failed ? 1 : 0;
}

/* ---------------------------------------------------------------- conc */

struct worker {
    pthread_t thread;
    long n, warmup, failed;
    pthread_barrier_t *ready, *go;
};

static double g_start;

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    cb_sender *s = bench_sender(&g_msg);
    for (long i = 0; i < w->warmup; i++) w->failed += !bench_send(s, &g_msg);
    pthread_barrier_wait(w->ready);
    pthread_barrier_wait(w->go);
    for (long i = 0; i < w->n; i++) w->failed += !bench_send(s, &g_msg);
    cb_sender_destroy(s);
    return NULL;
}

static int run_conc(int threads, long n, long warmup)
{
    pthread_barrier_t ready, go;
    pthread_barrier_init(&ready, NULL, (unsigned)threads + 1);
    pthread_barrier_init(&go, NULL, (unsigned)threads + 1);
    struct worker *ws = calloc((size_t)threads, sizeof *ws);
    long total = 0;
    for (int t = 0; t < threads; t++) {
        ws[t].n = n / threads + (t < n % threads ? 1 : 0);
        ws[t].warmup = warmup;
        ws[t].ready = &ready;
        ws[t].go = &go;
        total += ws[t].n;
        if (pthread_create(&ws[t].thread, NULL, worker_main, &ws[t]) != 0) { perror("pthread_create"); return 2; }
    }
    pthread_barrier_wait(&ready);
    g_start = now_seconds();
    double c0 = cpu_seconds();
    pthread_barrier_wait(&go);
    long failed = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(ws[t].thread, NULL);
        failed += ws[t].failed;
    }
    double dt = now_seconds() - g_start, dc = cpu_seconds() - c0;
    free(ws);
    printf("result mode=conc threads=%d sent=%ld failed=%ld seconds=%.4f msgs_per_s=%.1f cpu_us_per_msg=%.1f\n", threads,
           total, failed, dt, (double)total / dt, dc * 1e6 / (double)total);
    return failed ? 1 : 0;
}

/* ---------------------------------------------------------------- rss */


static int run_rss(long n, long step)
{
    cb_sender *s = bench_sender(&g_msg);
    long failed = 0;
    printf("rss sent=0 rss_kb=%ld hwm_kb=%ld\n", status_kb("VmRSS"), status_kb("VmHWM"));
    double t0 = now_seconds();
    for (long i = 1; i <= n; i++) {
        failed += !bench_send(s, &g_msg);
        if (i % step == 0) printf("rss sent=%ld rss_kb=%ld hwm_kb=%ld\n", i, status_kb("VmRSS"), status_kb("VmHWM"));
    }
    double dt = now_seconds() - t0;
    cb_sender_destroy(s);
    printf("result mode=rss sent=%ld failed=%ld seconds=%.4f msgs_per_s=%.1f peak_rss_kb=%ld\n", n, failed, dt,
           (double)n / dt, status_kb("VmHWM"));
    return failed ? 1 : 0;
}

/* ---------------------------------------------------------------- multi */

static int run_multi(long senders, long per_sender)
{
    long failed = 0;
    double t0 = now_seconds();
    for (long k = 0; k < senders; k++) {
        cb_sender *s = bench_sender(&g_msg);
        for (long i = 0; i < per_sender; i++) failed += !bench_send(s, &g_msg);
        cb_sender_destroy(s);
    }
    double dt = now_seconds() - t0;
    long n = senders * per_sender;
    printf("result mode=multi senders=%ld sent=%ld failed=%ld seconds=%.4f msgs_per_s=%.1f\n", senders, n, failed, dt,
           (double)n / dt);
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    g_msg = bench_msg_from_env();
    if (argc >= 4 && strcmp(argv[1], "seq") == 0) return run_seq(atol(argv[2]), atol(argv[3]));
    if (argc >= 5 && strcmp(argv[1], "conc") == 0) return run_conc(atoi(argv[2]), atol(argv[3]), atol(argv[4]));
    if (argc >= 4 && strcmp(argv[1], "rss") == 0) return run_rss(atol(argv[2]), atol(argv[3]));
    if (argc >= 4 && strcmp(argv[1], "multi") == 0) return run_multi(atol(argv[2]), atol(argv[3]));
    fprintf(stderr, "usage: cb_load seq N WARMUP | conc THREADS N WARMUP | rss N STEP | multi SENDERS M\n");
    return 2;
}
