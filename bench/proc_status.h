/* proc_status.h -- a field of /proc/self/status in kB (VmRSS, VmHWM), for the benchmarks' memory figures (C and C++). */
#ifndef CONNECT_BRIDGE_BENCH_PROC_STATUS_H
#define CONNECT_BRIDGE_BENCH_PROC_STATUS_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long v = -1;
    size_t len = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, len) == 0 && line[len] == ':') { v = strtol(line + len + 1, NULL, 10); break; }
    fclose(f);
    return v;
}
#endif
