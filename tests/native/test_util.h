/*
 * Helpers shared by the native C test programs (tests/native/harness.c, fork_child.c and tests/soak/soak.c), built
 * with gcc -Wall -Wextra -Werror. Header-only: every function is static inline, so a program that does not use one
 * gets no warning. Covers loopback sockets (connect, a plain request read into a fixed buffer), a number field of a
 * JSON answer and UTF-8 -> UTF-16. (The corpus and the fault matrix run through tests/runner.)
 * Include after _GNU_SOURCE is defined.
 */
#ifndef CONNECT_BRIDGE_TEST_UTIL_H
#define CONNECT_BRIDGE_TEST_UTIL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* ---- loopback sockets -------------------------------------------------------------------------------- */

/* A TCP connection to 127.0.0.1:port with send/receive timeouts of timeout_s seconds; the fd, or -1. */
static inline int connect_loopback(int port, long timeout_s)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = { .tv_sec = timeout_s };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { close(fd); return -1; }
    return fd;
}

/* Writes "METHOD PATH" with an empty body and Connection: close to fd; 0, or -1 when the write failed. */
static inline int write_request(int fd, const char *method, const char *path)
{
    char req[512];
    int n = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                     method, path);
    return write(fd, req, (size_t)n) == n ? 0 : -1;
}

/* The number after "field": in a JSON text, or -1 when it is not there. */
static inline long json_number(const char *body, const char *field)
{
    char key[64];
    snprintf(key, sizeof key, "\"%s\"", field);
    const char *p = strstr(body, key);
    if (!p || !(p = strchr(p + strlen(key), ':'))) return -1;
    return strtol(p + 1, NULL, 10);
}

/* ---- text ------------------------------------------------------------------------------------------------ */

/* Valid UTF-8 -> UTF-16 into out (room for strlen(s) + 1 units is enough), NUL-terminated; returns the units written. */
static inline size_t utf8_to_utf16(const char *s, uint16_t *out)
{
    uint16_t *w = out;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp;
        if (*p < 0x80) cp = *p++;
        else if (*p < 0xE0) { cp = (unsigned)(*p & 0x1F) << 6 | (p[1] & 0x3F); p += 2; }
        else if (*p < 0xF0) { cp = (unsigned)(*p & 0x0F) << 12 | (unsigned)(p[1] & 0x3F) << 6 | (p[2] & 0x3F); p += 3; }
        else { cp = (unsigned)(*p & 0x07) << 18 | (unsigned)(p[1] & 0x3F) << 12 | (unsigned)(p[2] & 0x3F) << 6 | (p[3] & 0x3F); p += 4; }
        if (cp >= 0x10000) { cp -= 0x10000; *w++ = (uint16_t)(0xD800 + (cp >> 10)); *w++ = (uint16_t)(0xDC00 + (cp & 0x3FF)); }
        else *w++ = (uint16_t)cp;
    }
    *w = 0;
    return (size_t)(w - out);
}

#endif
