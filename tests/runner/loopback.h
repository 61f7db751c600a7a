/*
 * loopback.h -- one HTTP request to 127.0.0.1 and its answer, for the C test programs on Linux and Windows (the
 * runner core, tests/native/fork_child.c). Header-only; on Windows the caller has called WSAStartup.
 */
#ifndef CONNECT_BRIDGE_LOOPBACK_H
#define CONNECT_BRIDGE_LOOPBACK_H
#ifdef _WIN32
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0601
#endif
#include <winsock2.h>
typedef SOCKET rn_socket;
#define rn_closesocket closesocket
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
typedef int rn_socket;
#define INVALID_SOCKET (-1)
#define rn_closesocket close
#endif
#include <string.h>

/* Sends req (it should say Connection: close) to 127.0.0.1:port and reads the answer into resp (at most cap - 1 bytes,
   NUL-terminated); the byte count, or -1 when it could not connect or send. 10 s timeouts. */
static inline long loopback_request(int port, const char *req, char *resp, size_t cap)
{
    rn_socket fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == INVALID_SOCKET) return -1;
#ifdef _WIN32
    DWORD tv = 10000;
#else
    struct timeval tv = { 10, 0 };
#endif
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, (const char *)&tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, (const char *)&tv, sizeof tv);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int n = (int)strlen(req);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 || send(fd, req, n, 0) != n) { rn_closesocket(fd); return -1; }
    size_t len = 0;
    for (;;) {
        int r = (int)recv(fd, resp + len, (int)(cap - 1 - len), 0);
        if (r <= 0) break;
        len += (size_t)r;
        if (len == cap - 1) break;
    }
    rn_closesocket(fd);
    resp[len] = 0;
    return (long)len;
}

#endif
