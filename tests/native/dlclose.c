/*
** dlclose.c -- dlclose of libconnect_bridge.so is harmless (the library is linked with -z nodelete).
**
** Five rounds of: dlopen, one send to the emulator (200), dlclose; then a pause long enough for the runtime's
** worker threads to run again (before -z nodelete they ran unmapped code: SIGSEGV). Every round's dlopen must give
** the same, still-working instance. Ends with "N passed, N failed".
**
** Usage: dlclose <path of libconnect_bridge.so>; environment CB_TEST_BASE_URL, CB_TEST_LOGIN, CB_TEST_PASSWORD
** (never printed), CB_TEST_LINE.
*/
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CB_NO_DLLIMPORT
#include "connect_bridge.h"

#define USER "df4cca69-ce40-472e-9083-af9b279c72cc"
#define ROUNDS 5

typedef int (CB_CALL *send_fn)(const char *, const char *, const char *, const char *, const char *, const char *,
                               const char *, int, char *, int);

static int g_passed, g_failed;

static void check(int ok, const char *what, int round, int status)
{
    printf("%s round %d: %s (%d)\n", ok ? "PASS" : "FAIL", round, what, status);
    fflush(stdout);
    if (ok) g_passed++; else g_failed++;
}

int main(int argc, char **argv)
{
    const char *base = getenv("CB_TEST_BASE_URL"), *login = getenv("CB_TEST_LOGIN");
    const char *password = getenv("CB_TEST_PASSWORD"), *line = getenv("CB_TEST_LINE");
    if (argc != 2 || !base || !login || !password || !line) {
        fprintf(stderr, "usage: dlclose <libconnect_bridge.so>, with CB_TEST_BASE_URL, CB_TEST_LOGIN, CB_TEST_PASSWORD, CB_TEST_LINE\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    void *first = NULL;
    for (int round = 1; round <= ROUNDS; round++) {
        void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
        check(lib != NULL, "dlopen", round, 0);
        if (!lib) { fprintf(stderr, "%s\n", dlerror()); break; }
        if (!first) first = lib;
        check(lib == first, "dlopen gives the same instance", round, 0);
        send_fn send = (send_fn)dlsym(lib, "cb_send");
        char err[512] = "";
        int st = send ? send(base, login, password, line, USER, "после dlclose", NULL, CB_KEYBOARD_AUTO, err, (int)sizeof err) : -100;
        check(st == 200 && err[0] == 0, "cb_send", round, st);
        check(dlclose(lib) == 0, "dlclose", round, 0);
        /* Let the runtime's threads (connection pool timers, socket engine) wake up after the dlclose. */
        struct timespec pause = { .tv_sec = 0, .tv_nsec = 300 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
    /* RTLD_NOLOAD: the library is still mapped after the last dlclose. */
    void *still = dlopen(argv[1], RTLD_NOW | RTLD_NOLOAD);
    check(still != NULL, "still loaded after the last dlclose (RTLD_NOLOAD finds it)", ROUNDS, 0);
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}
