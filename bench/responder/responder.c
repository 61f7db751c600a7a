/*
** responder.c -- a minimal loopback HTTP/1.1 responder for the benchmarks, so that the server is not the
** bottleneck. One thread per connection (the benchmarks open at most a handful at a time), TCP_NODELAY,
** and every response goes out in exactly one write() (one TLS record over TLS: no Nagle / delayed-ACK stalls).
**
**   POST <any path>   -> 200, empty body ("Content-Length: 0"), like the 1C-Connect API on success
**   GET  /stats       -> 200 {"requests":N,"tls_connections":C,"handshakes":H,"resumed":R,"post_connections":P}
**                        N = POSTs answered so far (both ports), C = TLS connections accepted, H = TLS handshakes
**                        completed, R = those of them that resumed an earlier session (abbreviated handshakes),
**                        P = connections (either port) that carried at least one counted POST: connection reuse
**                        over plain HTTP, where there is no handshake to count (the /stats and /reset ones are not)
**   POST /reset       -> 200, sets all counters to 0
**   anything else     -> 404
**
** Keep-alive unless the client sends "Connection: close". Bodies are read by Content-Length (no chunked
** uploads: none of the clients benchmarked here sends them). Listens on 127.0.0.1 only.
**
** Usage: responder PORT [MAX_SECONDS [CERT KEY]]
**        PORT 0 picks a free one; prints "port N" on stdout when ready. With CERT and KEY (PEM files) it also
**        listens for HTTPS on a second free port and prints "tls_port N"; the counters are shared, so the plain
**        port's /stats and /reset also serve the TLS port (asking over plain HTTP adds no handshake to the count).
**        It exits by itself after MAX_SECONDS (default 1800) so a forgotten instance cannot linger.
**
** Build: gcc -O2 -Wall -Wextra -pthread responder.c -o responder -lssl -lcrypto
*/
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
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

static atomic_long g_requests, g_tls_connections, g_handshakes, g_resumed, g_post_connections;
static SSL_CTX *g_tls;

static const char OK_EMPTY[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 0\r\n\r\n";
static const char OK_EMPTY_CLOSE[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
static const char NOT_FOUND[] =
    "HTTP/1.1 404 Not Found\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 21\r\n\r\n"
    "{\"error\":\"Not found\"}";

/* One accepted connection: a plain socket, or a socket with a TLS session on it. */
struct conn {
    int fd;
    SSL *ssl;
};

static int conn_write(struct conn *c, const char *p, size_t n)
{
    if (c->ssl) return SSL_write(c->ssl, p, (int)n) == (int)n ? 0 : -1; /* blocking: all or an error */
    while (n > 0) {
        ssize_t w = write(c->fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static ssize_t conn_read(struct conn *c, char *p, size_t n)
{
    if (c->ssl) {
        int r = SSL_read(c->ssl, p, (int)n);
        return r > 0 ? r : -1; /* 0/negative: closed or failed; either ends the connection */
    }
    for (;;) {
        ssize_t r = read(c->fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        return r;
    }
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
    struct conn *c = arg;
    char *buf = malloc(BUF_SIZE);
    size_t have = 0;
    int counted = 0; /* this connection is in g_post_connections */
    if (!buf) goto done;
    if (c->ssl) {
        atomic_fetch_add(&g_tls_connections, 1);
        if (SSL_accept(c->ssl) != 1) goto done; /* a failed handshake is not counted */
        atomic_fetch_add(&g_handshakes, 1);
        if (SSL_session_reused(c->ssl)) atomic_fetch_add(&g_resumed, 1);
    }
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
                atomic_store(&g_tls_connections, 0);
                atomic_store(&g_handshakes, 0);
                atomic_store(&g_resumed, 0);
                atomic_store(&g_post_connections, 0);
                rc = conn_write(c, OK_EMPTY, sizeof OK_EMPTY - 1);
            } else if (strncmp(buf, "POST ", 5) == 0) {
                atomic_fetch_add(&g_requests, 1);
                if (!counted) { atomic_fetch_add(&g_post_connections, 1); counted = 1; }
                rc = close_after ? conn_write(c, OK_EMPTY_CLOSE, sizeof OK_EMPTY_CLOSE - 1)
                                 : conn_write(c, OK_EMPTY, sizeof OK_EMPTY - 1);
            } else if (strncmp(buf, "GET /stats ", 11) == 0) {
                char body[200], resp[360];
                int bl = snprintf(body, sizeof body,
                                  "{\"requests\":%ld,\"tls_connections\":%ld,\"handshakes\":%ld,\"resumed\":%ld,"
                                  "\"post_connections\":%ld}",
                                  atomic_load(&g_requests), atomic_load(&g_tls_connections),
                                  atomic_load(&g_handshakes), atomic_load(&g_resumed), atomic_load(&g_post_connections));
                int rl = snprintf(resp, sizeof resp,
                                  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
                                  bl, body);
                rc = conn_write(c, resp, (size_t)rl);
            } else {
                rc = conn_write(c, NOT_FOUND, sizeof NOT_FOUND - 1);
            }
            if (rc != 0 || close_after) goto done;
            size_t used = head + (size_t)clen;
            memmove(buf, buf + used, have - used);
            have -= used;
        }
        if (have == BUF_SIZE) goto done; /* a header block larger than the buffer */
        ssize_t n = conn_read(c, buf + have, BUF_SIZE - have);
        if (n <= 0) goto done;
        have += (size_t)n;
    }
done:
    free(buf);
    if (c->ssl) {
        SSL_shutdown(c->ssl);
        SSL_free(c->ssl);
    }
    close(c->fd);
    free(c);
    return NULL;
}

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "responder: time limit reached, exiting\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(0);
}

static int listen_loopback(int port, int *bound_port)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    if (ls < 0) { perror("socket"); exit(1); }
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((unsigned short)port);
    if (bind(ls, (struct sockaddr *)&addr, sizeof addr) != 0) { perror("bind"); exit(1); }
    if (listen(ls, 512) != 0) { perror("listen"); exit(1); }
    socklen_t alen = sizeof addr;
    getsockname(ls, (struct sockaddr *)&addr, &alen);
    *bound_port = ntohs(addr.sin_port);
    return ls;
}

/* Accepts forever on one listening socket; tls selects whether its connections get a TLS session. */
static void *accept_loop(void *arg)
{
    long tagged = (long)arg;
    int ls = (int)(tagged >> 1), tls = (int)(tagged & 1), one = 1;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE) continue;
            perror("accept");
            exit(1);
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = calloc(1, sizeof *c);
        if (!c) { close(fd); continue; }
        c->fd = fd;
        if (tls) {
            c->ssl = SSL_new(g_tls);
            if (!c->ssl || SSL_set_fd(c->ssl, fd) != 1) {
                SSL_free(c->ssl);
                close(fd);
                free(c);
                continue;
            }
        }
        pthread_t t;
        if (pthread_create(&t, &attr, serve, c) != 0) {
            SSL_free(c->ssl);
            close(fd);
            free(c);
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 0;
    int max_seconds = argc > 2 ? atoi(argv[2]) : 1800;
    const char *cert = argc > 4 ? argv[3] : NULL, *key = argc > 4 ? argv[4] : NULL;
    signal(SIGPIPE, SIG_IGN);
    signal(SIGALRM, on_alarm);
    alarm((unsigned)(max_seconds > 0 ? max_seconds : 1800));

    int plain_port, tls_port = 0, tls_ls = -1;
    int ls = listen_loopback(port, &plain_port);
    if (cert) {
        g_tls = SSL_CTX_new(TLS_server_method());
        if (!g_tls || SSL_CTX_use_certificate_chain_file(g_tls, cert) != 1
            || SSL_CTX_use_PrivateKey_file(g_tls, key, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(g_tls) != 1) {
            ERR_print_errors_fp(stderr);
            return 1;
        }
        SSL_CTX_set_min_proto_version(g_tls, TLS1_2_VERSION);
        tls_ls = listen_loopback(0, &tls_port);
    }
    printf("port %d\n", plain_port);
    if (cert) printf("tls_port %d\n", tls_port);
    fflush(stdout);

    if (cert) {
        pthread_t t;
        if (pthread_create(&t, NULL, accept_loop, (void *)(((long)tls_ls << 1) | 1)) != 0) {
            perror("pthread_create");
            return 1;
        }
    }
    accept_loop((void *)((long)ls << 1));
    return 0;
}
