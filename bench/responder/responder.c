/*
** responder.c -- a minimal loopback HTTP/1.1 responder for the benchmarks, so that the server is not the
** bottleneck. One thread per connection (the benchmarks open at most a handful at a time), TCP_NODELAY,
** and every response goes out in exactly one write() (no Nagle / delayed-ACK stalls).
**
**   POST <any path>   -> 200, empty body ("Content-Length: 0"), like the 1C-Connect API on success
**   GET  /stats       -> 200 {"requests":N}   (N = POSTs answered so far)
**   POST /reset       -> 200, sets the counter to 0
**   anything else     -> 404
**
** Keep-alive unless the client sends "Connection: close". Bodies are read by Content-Length (no chunked
** uploads: none of the clients benchmarked here sends them). Listens on 127.0.0.1 only.
**
** Usage: responder [port] [max_seconds]     port 0 picks a free one; prints "port N" on stdout when ready.
**        It exits by itself after max_seconds (default 1800) so a forgotten instance cannot linger.
**
** Build: gcc -O2 -Wall -Wextra -pthread responder.c -o responder
*/
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE (64 * 1024)

static atomic_long g_requests;

static const char OK_EMPTY[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 0\r\n\r\n";
static const char OK_EMPTY_CLOSE[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
static const char NOT_FOUND[] =
    "HTTP/1.1 404 Not Found\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 21\r\n\r\n"
    "{\"error\":\"Not found\"}";

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Case-insensitive search for a header line "name:" inside the header block [h, end). */
static const char *find_header(const char *h, const char *end, const char *name)
{
    size_t len = strlen(name);
    for (const char *line = h; line < end;) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol) eol = end;
        if ((size_t)(eol - line) > len && strncasecmp(line, name, len) == 0 && line[len] == ':') {
            const char *v = line + len + 1;
            while (v < eol && (*v == ' ' || *v == '\t')) v++;
            return v;
        }
        line = eol + 1;
    }
    return NULL;
}

static void *serve(void *arg)
{
    int fd = (int)(long)arg;
    char *buf = malloc(BUF_SIZE);
    size_t have = 0;
    if (!buf) goto done;
    for (;;) {
        /* Parse every complete request already in the buffer. */
        for (;;) {
            char *hdr_end = memmem(buf, have, "\r\n\r\n", 4);
            if (!hdr_end) break;
            size_t head = (size_t)(hdr_end - buf) + 4;
            long clen = 0;
            const char *cl = find_header(buf, hdr_end, "Content-Length");
            if (cl) clen = strtol(cl, NULL, 10);
            if (clen < 0 || (size_t)clen > BUF_SIZE - head) goto done; /* too large for this responder */
            if (have < head + (size_t)clen) break;                     /* body not complete yet */
            int close_after = 0;
            const char *conn = find_header(buf, hdr_end, "Connection");
            if (conn && strncasecmp(conn, "close", 5) == 0) close_after = 1;

            int rc;
            if (strncmp(buf, "POST /reset ", 12) == 0) {
                atomic_store(&g_requests, 0);
                rc = write_all(fd, OK_EMPTY, sizeof OK_EMPTY - 1);
            } else if (strncmp(buf, "POST ", 5) == 0) {
                atomic_fetch_add(&g_requests, 1);
                rc = close_after ? write_all(fd, OK_EMPTY_CLOSE, sizeof OK_EMPTY_CLOSE - 1)
                                 : write_all(fd, OK_EMPTY, sizeof OK_EMPTY - 1);
            } else if (strncmp(buf, "GET /stats ", 11) == 0) {
                char body[64], resp[256];
                int bl = snprintf(body, sizeof body, "{\"requests\":%ld}", atomic_load(&g_requests));
                int rl = snprintf(resp, sizeof resp,
                                  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
                                  bl, body);
                rc = write_all(fd, resp, (size_t)rl);
            } else {
                rc = write_all(fd, NOT_FOUND, sizeof NOT_FOUND - 1);
            }
            if (rc != 0 || close_after) goto done;
            size_t used = head + (size_t)clen;
            memmove(buf, buf + used, have - used);
            have -= used;
        }
        if (have == BUF_SIZE) goto done; /* a header block larger than the buffer */
        ssize_t n = read(fd, buf + have, BUF_SIZE - have);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) goto done;
        have += (size_t)n;
    }
done:
    free(buf);
    close(fd);
    return NULL;
}

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "responder: time limit reached, exiting\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(0);
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 0;
    int max_seconds = argc > 2 ? atoi(argv[2]) : 1800;
    signal(SIGPIPE, SIG_IGN);
    signal(SIGALRM, on_alarm);
    alarm((unsigned)(max_seconds > 0 ? max_seconds : 1800));

    int ls = socket(AF_INET, SOCK_STREAM, 0);
    if (ls < 0) { perror("socket"); return 1; }
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((unsigned short)port);
    if (bind(ls, (struct sockaddr *)&addr, sizeof addr) != 0) { perror("bind"); return 1; }
    if (listen(ls, 512) != 0) { perror("listen"); return 1; }
    socklen_t alen = sizeof addr;
    getsockname(ls, (struct sockaddr *)&addr, &alen);
    printf("port %d\n", ntohs(addr.sin_port));
    fflush(stdout);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE) continue;
            perror("accept");
            return 1;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pthread_t t;
        if (pthread_create(&t, &attr, serve, (void *)(long)fd) != 0) close(fd);
    }
}
