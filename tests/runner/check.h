/*
 * The PASS/FAIL line of the C and C++ test programs (tests/native/harness.c, tests/winaot/delphi_client.c,
 * tests/addin/host.cpp): one line per check, and "N passed, N failed" at the end (check_summary), which the suites
 * count (Runner.CountedAsync in tests/Connect.Bridge.IntegrationTests). Header-only.
 */
#ifndef CONNECT_BRIDGE_CHECK_H
#define CONNECT_BRIDGE_CHECK_H
#include <stdarg.h>
#include <stdio.h>

static int g_passed, g_failed;

static inline void check(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s ", ok ? "PASS" : "FAIL");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    if (ok) g_passed++; else g_failed++;
}

/* The closing line; the exit code: 0 when nothing failed. */
static inline int check_summary(void)
{
    printf("%d passed, %d failed\n", g_passed, g_failed);
    fflush(stdout);
    return g_failed == 0 ? 0 : 1;
}
#endif
