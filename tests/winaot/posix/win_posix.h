/*
** win_posix.h -- just enough POSIX on Windows (mingw) to build the Linux test programs of tests/native
** (harness.c) unchanged against the Windows connect_bridge.dll.
** Force-included (gcc -include) with tests/winaot/posix on the include path, whose arpa/, netinet/, sys/socket.h and
** poll.h are empty: Winsock stands in for them here. Sockets through read/write/close, SO_RCVTIMEO with a
** struct timeval, poll, pwrite, getline, strndup, strcasestr, fe{en,dis}ableexcept/fegetexcept, and SIGALRM + alarm (a timer
** thread calling the handler) are mapped; nothing else.
*/
#ifndef CB_WIN_POSIX_H
#define CB_WIN_POSIX_H
#define _WIN32_WINNT 0x0601
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <io.h>
#include <unistd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <fenv.h>
#include <time.h>
#include <sys/types.h>

static void cb_compat_init(void) __attribute__((constructor));
static void cb_compat_init(void)
{
    WSADATA w;
    WSAStartup(MAKEWORD(2, 2), &w);
}

static inline int cb_compat_is_socket(int fd)
{
    int type;
    int len = sizeof type;
    return getsockopt((SOCKET)fd, SOL_SOCKET, SO_TYPE, (char*)&type, &len) == 0;
}
static inline int __cdecl cb_compat_read(int fd, void* buf, unsigned int n)
{
    return cb_compat_is_socket(fd) ? recv((SOCKET)fd, (char*)buf, (int)n, 0) : _read(fd, buf, n);
}
static inline int __cdecl cb_compat_write(int fd, const void* buf, unsigned int n)
{
    return cb_compat_is_socket(fd) ? send((SOCKET)fd, (const char*)buf, (int)n, 0) : _write(fd, buf, n);
}
static inline int __cdecl cb_compat_close(int fd)
{
    return cb_compat_is_socket(fd) ? closesocket((SOCKET)fd) : _close(fd);
}
static inline int cb_compat_pwrite(int fd, const void* buf, size_t n, long offset)
{
    if (_lseek(fd, offset, SEEK_SET) < 0) return -1;
    return _write(fd, buf, (unsigned int)n);
}
#define pwrite cb_compat_pwrite
#define read(fd, b, n) cb_compat_read((fd), (b), (unsigned int)(n))
#define write(fd, b, n) cb_compat_write((fd), (b), (unsigned int)(n))
#define close(fd) cb_compat_close(fd)

/* Winsock takes the receive/send timeout as a DWORD of milliseconds, POSIX as a struct timeval. */
static inline int cb_compat_setsockopt(int fd, int level, int name, const void* value, int len)
{
    if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO) && len == (int)sizeof(struct timeval)) {
        const struct timeval* tv = value;
        DWORD ms = (DWORD)(tv->tv_sec * 1000 + tv->tv_usec / 1000);
        return setsockopt((SOCKET)fd, level, name, (const char*)&ms, sizeof ms);
    }
    return setsockopt((SOCKET)fd, level, name, (const char*)value, len);
}
#define setsockopt(fd, l, n, v, len) cb_compat_setsockopt((fd), (l), (n), (v), (int)(len))
#define socket(a, b, c) ((int)socket((a), (b), (c)))
#define accept(fd, a, l) ((int)accept((SOCKET)(fd), (a), (l)))
#define poll(p, n, t) WSAPoll((p), (n), (t))

static inline char* cb_compat_strcasestr(const char* hay, const char* needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (_strnicmp(hay, needle, n) == 0) return (char*)hay;
    return n ? NULL : (char*)hay;
}
#define strcasestr cb_compat_strcasestr

static inline char* cb_compat_strndup(const char* s, size_t n)
{
    size_t len = strnlen(s, n);
    char* r = malloc(len + 1);
    if (r) { memcpy(r, s, len); r[len] = 0; }
    return r;
}
#define strndup cb_compat_strndup

static inline ssize_t cb_compat_getline(char** line, size_t* cap, FILE* f)
{
    size_t len = 0;
    int c;
    if (!*line || *cap < 2) { *cap = 256; *line = realloc(*line, *cap); if (!*line) return -1; }
    while ((c = fgetc(f)) != EOF) {
        if (len + 2 > *cap) { *cap *= 2; *line = realloc(*line, *cap); if (!*line) return -1; }
        (*line)[len++] = (char)c;
        if (c == '\n') break;
    }
    if (len == 0) return -1;
    (*line)[len] = 0;
    return (ssize_t)len;
}
#define getline cb_compat_getline

/* x87 and SSE masks: unmasking (enable) an exception clears its mask bit in both, and the pending SSE flags; masking
   (disable) sets it. Returns the exceptions unmasked before. */
static inline int cb_compat_femask(int e, int enable)
{
    unsigned short cw;
    unsigned int mx, bits = (unsigned int)(e & FE_ALL_EXCEPT);
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    __asm__ volatile("stmxcsr %0" : "=m"(mx));
    int old = ~cw & FE_ALL_EXCEPT;
    if (enable) { cw &= (unsigned short)~bits; mx &= ~(bits << 7) & ~0x3Fu; }
    else { cw |= (unsigned short)bits; mx |= bits << 7; }
    __asm__ volatile("fnclex\n\tfldcw %0" : : "m"(cw));
    __asm__ volatile("ldmxcsr %0" : : "m"(mx));
    return old;
}
static inline int cb_compat_fegetexcept(void)
{
    unsigned short cw;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    return ~cw & FE_ALL_EXCEPT;
}
#define feenableexcept(e) cb_compat_femask((e), 1)
#define fedisableexcept(e) cb_compat_femask((e), 0)
#define fegetexcept cb_compat_fegetexcept

/* SIGALRM: alarm(n) starts a timer thread that calls the handler after n seconds (the programs' handlers
   report the hang and exit); alarm(0) cancels it. */
#define SIGALRM 14
typedef void (*cb_compat_handler)(int);
static cb_compat_handler cb_compat_alarm_handler;
static volatile LONG cb_compat_alarm_gen;
static DWORD WINAPI cb_compat_alarm_thread(LPVOID arg)
{
    LONG gen = (LONG)(INT_PTR)arg;
    DWORD seconds = (DWORD)(gen >> 16);
    Sleep(seconds * 1000);
    if (cb_compat_alarm_gen == gen && cb_compat_alarm_handler) cb_compat_alarm_handler(SIGALRM);
    return 0;
}
static inline unsigned int cb_compat_alarm(unsigned int seconds)
{
    static LONG counter;
    LONG gen = (LONG)((seconds & 0x7FFF) << 16) | (InterlockedIncrement(&counter) & 0xFFFF);
    cb_compat_alarm_gen = seconds ? gen : 0;
    if (seconds) CloseHandle(CreateThread(NULL, 0, cb_compat_alarm_thread, (LPVOID)(INT_PTR)gen, 0, NULL));
    return 0;
}
static inline cb_compat_handler cb_compat_signal(int sig, cb_compat_handler h)
{
    if (sig == SIGALRM) { cb_compat_handler old = cb_compat_alarm_handler; cb_compat_alarm_handler = h; return old; }
    return signal(sig, h);
}
#define alarm cb_compat_alarm
#define signal(s, h) cb_compat_signal((s), (h))
#endif
