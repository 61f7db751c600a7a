/*
** harness.c -- C test program for the Connect.Bridge native library (libconnect_bridge.so).
**
** Runs against the emulator started as a separate process (`connect-bridge emulator`), plus small
** loopback servers of its own for what the emulator cannot do (a 400 with a chosen error body, an
** accepted connection that never answers). Prints one line per check and ends with
** "N passed, N failed"; exits non-zero on any failure.
**
** Environment:
**   CB_TEST_BASE_URL  the emulator, e.g. http://127.0.0.1:41234
**   CB_TEST_LOGIN     the emulator's login
**   CB_TEST_PASSWORD  the emulator's password (never printed)
**   CB_TEST_LINE      the line id the emulator serves (any other line gets 403)
**
** Build: gcc -std=c11 -O1 -Wall -Wextra -Werror -I native/include tests/native/harness.c \
**            -L <libdir> -lconnect_bridge -Wl,-rpath,<libdir> -lpthread -o harness
*/
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fenv.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "connect_bridge.h"
#include "test_util.h"
#include "../runner/check.h"

/* ---------------------------------------------------------------- checks */

static const char *g_password = "";

/* Every error text the library gives goes through here: it must never contain the password. */
static int g_texts_seen, g_texts_with_password;
static void saw_text(const char *text)
{
    g_texts_seen++;
    if (g_password[0] && strstr(text, g_password)) g_texts_with_password++;
}

static char *last_error(cb_sender *s)
{
    static char buf[4096];
    int needed = cb_last_error(s, buf, (int)sizeof buf);
    if (needed < 1 || needed > (int)sizeof buf) buf[0] = 0;
    saw_text(buf);
    return buf;
}

/* Status, and the error text is non-empty: the check for a failure. */
static void check_fail(int status, int expected, cb_sender *s, const char *what)
{
    const char *text = last_error(s);
    check(status == expected && text[0] != 0, "%s -> %d (expected %d), text: %s", what, status, expected, text);
}

/* ------------------------------------------------------- tiny HTTP client */

static int g_emulator_port;

/* One request to the emulator with Connection: close; returns the malloc'd body or NULL. */
static char *emulator_request(const char *method, const char *path)
{
    int fd = connect_loopback(g_emulator_port, 10);
    if (fd < 0) return NULL;
    if (write_request(fd, method, path) != 0) { close(fd); return NULL; }
    size_t cap = 1 << 16, len = 0;
    char *resp = malloc(cap);
    for (;;) {
        if (len + 4096 + 1 > cap) resp = realloc(resp, cap *= 2);
        ssize_t r = read(fd, resp + len, 4096);
        if (r <= 0) break;
        len += (size_t)r;
    }
    close(fd);
    resp[len] = 0;
    char *body = strstr(resp, "\r\n\r\n");
    if (strncmp(resp, "HTTP/1.1 2", 10) != 0 || !body) { free(resp); return NULL; }
    char *out = strdup(body + 4);
    /* Chunked bodies: good enough to strip chunk-size lines for substring checks. */
    if (strstr(resp, "ransfer-Encoding: chunked")) {
        char *w = out, *p = body + 4;
        for (;;) {
            long size = strtol(p, &p, 16);
            if (size <= 0) break;
            p = strstr(p, "\r\n");
            if (!p) break;
            p += 2;
            memcpy(w, p, (size_t)size);
            w += size;
            p += size + 2;
        }
        *w = 0;
    }
    free(resp);
    return out;
}

static long emulator_number(const char *field)
{
    char *body = emulator_request("GET", "/emulator/stats");
    long v = -1;
    if (body) {
        v = json_number(body, field);
        free(body);
    }
    return v;
}

static int emulator_reset(void)
{
    char *body = emulator_request("POST", "/emulator/reset");
    free(body);
    return body != NULL;
}

/* Appends code point cp as UTF-8. */
static char *put_utf8(char *w, unsigned cp)
{
    if (cp < 0x80) *w++ = (char)cp;
    else if (cp < 0x800) { *w++ = (char)(0xC0 | cp >> 6); *w++ = (char)(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) { *w++ = (char)(0xE0 | cp >> 12); *w++ = (char)(0x80 | (cp >> 6 & 0x3F)); *w++ = (char)(0x80 | (cp & 0x3F)); }
    else { *w++ = (char)(0xF0 | cp >> 18); *w++ = (char)(0x80 | (cp >> 12 & 0x3F)); *w++ = (char)(0x80 | (cp >> 6 & 0x3F)); *w++ = (char)(0x80 | (cp & 0x3F)); }
    return w;
}

/* The emulator's records with JSON escapes resolved (\uXXXX, \", \n ...) so that texts can be searched
   for whether the emulator writes Cyrillic raw or escaped. Quotes stay as they are. */
static char *emulator_messages(void)
{
    char *raw = emulator_request("GET", "/emulator/messages");
    if (!raw) return NULL;
    char *out = malloc(strlen(raw) * 4 + 1), *w = out;
    for (const char *p = raw; *p; p++) {
        if (*p != '\\' || !p[1]) { *w++ = *p; continue; }
        p++;
        switch (*p) {
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        case 'u': {
            unsigned cp = (unsigned)strtoul((char[]){ p[1], p[2], p[3], p[4], 0 }, NULL, 16);
            p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && p[1] == '\\' && p[2] == 'u') {
                unsigned lo = (unsigned)strtoul((char[]){ p[3], p[4], p[5], p[6], 0 }, NULL, 16);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            }
            w = put_utf8(w, cp);
            break;
        }
        default: *w++ = *p; break; /* \" \\ \/ */
        }
    }
    *w = 0;
    free(raw);
    return out;
}

static int contains_all(const char *hay, const char *const *needles)
{
    if (!hay) return 0;
    for (; *needles; needles++)
        if (!strstr(hay, *needles)) return 0;
    return 1;
}

/* ------------------------------------------------- loopback test servers */

enum server_mode { SERVER_SILENT, SERVER_400, SERVER_503 };

struct server {
    enum server_mode mode;
    int listen_fd, port;
    volatile int stop;
    int requests;
    pthread_t thread;
};

/* The 400 this server answers: a JSON error text with Cyrillic and a character outside the BMP, so
   that the error text the library builds from it exercises every truncation case. */
static const char SERVER_ERROR_TEXT[] = "Поле keyboard: ошибка формата 🙂 marker-7f3a";

static void *server_main(void *arg)
{
    struct server *sv = arg;
    int conns[64], nconns = 0;
    while (!sv->stop) {
        struct pollfd pf = { .fd = sv->listen_fd, .events = POLLIN };
        if (poll(&pf, 1, 50) <= 0) continue;
        int c = accept(sv->listen_fd, NULL, NULL);
        if (c < 0) continue;
        sv->requests++;
        if (sv->mode == SERVER_SILENT) {
            if (nconns < 64) conns[nconns++] = c; else close(c); /* hold it open, answer nothing */
            continue;
        }
        /* SERVER_400, SERVER_503: read the request head and body, answer in one write, close. */
        char buf[65536];
        size_t len = 0;
        struct timeval tv = { .tv_sec = 5 };
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        for (;;) {
            ssize_t r = read(c, buf + len, sizeof buf - 1 - len);
            if (r <= 0) break;
            len += (size_t)r;
            buf[len] = 0;
            char *head_end = strstr(buf, "\r\n\r\n");
            if (head_end) {
                char *cl = strcasestr(buf, "content-length:");
                long body = cl ? strtol(cl + 15, NULL, 10) : 0;
                if ((long)(len - (size_t)(head_end + 4 - buf)) >= body) break;
            }
        }
        char body[256], resp[512];
        int bl = snprintf(body, sizeof body, "{\"error\":\"%s\"}", SERVER_ERROR_TEXT);
        int rl = sv->mode == SERVER_503
                     ? snprintf(resp, sizeof resp, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                     : snprintf(resp, sizeof resp,
                                "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n"
                                "Content-Length: %d\r\nConnection: close\r\n\r\n%s", bl, body);
        int one = 1;
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (write(c, resp, (size_t)rl) != rl) { /* the client sees a reset; the check reports it */ }
        close(c);
    }
    for (int i = 0; i < nconns; i++) close(conns[i]);
    return NULL;
}

static int listen_loopback(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) != 0) { close(fd); return -1; }
    *port = ntohs(a.sin_port);
    return fd;
}

static int server_start(struct server *sv, enum server_mode mode)
{
    memset(sv, 0, sizeof *sv);
    sv->mode = mode;
    sv->listen_fd = listen_loopback(&sv->port);
    return sv->listen_fd >= 0 && pthread_create(&sv->thread, NULL, server_main, sv) == 0;
}

static void server_stop(struct server *sv)
{
    sv->stop = 1;
    pthread_join(sv->thread, NULL);
    close(sv->listen_fd);
}

/* ------------------------------------------------------------- helpers */

static const char *USER = "df4cca69-ce40-472e-9083-af9b279c72cc";
static const char *OTHER_LINE = "0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b"; /* not served by the emulator: 403 */
static const char *g_base_url, *g_login, *g_line;

static cb_sender *new_sender(const char *base_url)
{
    cb_sender *s = cb_sender_create();
    if (!s) return NULL;
    cb_set_option(s, CB_OPT_BASE_URL, base_url);
    cb_set_option(s, CB_OPT_LOGIN, g_login);
    cb_set_option(s, CB_OPT_PASSWORD, g_password);
    cb_set_option(s, CB_OPT_TIMEOUT_MS, "10000");
    return s;
}

/* UTF-8 -> UTF-16 (valid input only) into a static ring of buffers. */
static const uint16_t *u16(const char *s)
{
    static uint16_t ring[8][1024];
    static int next;
    uint16_t *out = ring[next++ % 8];
    utf8_to_utf16(s, out);
    return out;
}

static size_t u16len(const uint16_t *s) { size_t n = 0; while (s[n]) n++; return n; }

/* Length of the longest prefix of utf8 (len bytes) that ends on a sequence boundary and fits in max bytes. */
static size_t utf8_fit(const char *utf8, size_t len, size_t max)
{
    size_t n = 0;
    while (n < len) {
        unsigned char c = (unsigned char)utf8[n];
        size_t seq = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (n + seq > max) break;
        n += seq;
    }
    return n;
}

/* ------------------------------------------------------------- the tests */

static void test_basics(void)
{
    const char *v = cb_version();
    int a, b, c;
    check(v && sscanf(v, "%d.%d.%d", &a, &b, &c) == 3, "cb_version is a version: %s", v ? v : "(null)");
    check(v == cb_version(), "cb_version returns the same static string");

    cb_sender *s = cb_sender_create();
    check(s != NULL, "cb_sender_create returns a handle");
    char buf[16] = "garbage";
    check(cb_last_status(s) == 0, "fresh sender: cb_last_status = 0");
    check(cb_last_error(s, buf, sizeof buf) == 1 && buf[0] == 0, "fresh sender: empty error text, size needed 1");
    cb_sender_destroy(s);
    cb_sender_destroy(NULL);
    check(1, "cb_sender_destroy(NULL) is harmless");
}

/* The compile-time contract (version macros, CB_OK, CB_SUCCEEDED) agrees with the library at run time, and
   cb_status_text gives the core's generic texts by the buffer rules. */
static void test_contract(void)
{
    char expected_version[32], buf[512];
    snprintf(expected_version, sizeof expected_version, "%d.%d.%d", CB_VERSION_MAJOR, CB_VERSION_MINOR, CB_VERSION_PATCH);
    check(strcmp(cb_version(), expected_version) == 0, "cb_version() %s = CB_VERSION_MAJOR.MINOR.PATCH %s", cb_version(), expected_version);
    check(cb_version_number() == CB_VERSION_NUMBER, "cb_version_number() %d = CB_VERSION_NUMBER %d", cb_version_number(), CB_VERSION_NUMBER);
    check(CB_VERSION_NUMBER == CB_VERSION_MAJOR * 1000000 + CB_VERSION_MINOR * 1000 + CB_VERSION_PATCH,
          "CB_VERSION_NUMBER is major*1000000 + minor*1000 + patch");
    check(CB_OK == 0 && CB_SUCCEEDED(CB_OK) && CB_SUCCEEDED(200) && CB_SUCCEEDED(204) && CB_SUCCEEDED(299),
          "CB_SUCCEEDED is true for CB_OK and 2xx");
    check(!CB_SUCCEEDED(CB_E_INVALID_ARGUMENT) && !CB_SUCCEEDED(CB_E_TIMEOUT) && !CB_SUCCEEDED(199) && !CB_SUCCEEDED(300)
          && !CB_SUCCEEDED(404) && !CB_SUCCEEDED(1), "CB_SUCCEEDED is false for CB_E_*, 1, 199, 300, 404");
    cb_sender *s = cb_sender_create();
    check(CB_SUCCEEDED(cb_set_option(s, CB_OPT_LOGIN, "bot")) && !CB_SUCCEEDED(cb_set_option(s, CB_OPT_TIMEOUT_MS, "x")),
          "CB_SUCCEEDED tests a setter's result");
    cb_sender_destroy(s);

    static const struct { int status; const char *language, *text; } cases[] = {
        { 0, "ru", "Успешно: параметр принят." },
        { 0, "en", "Success: the setting was accepted." },
        { CB_E_INVALID_ARGUMENT, "en", "Invalid argument or option; nothing was sent." },
        { CB_E_INVALID_ARGUMENT, "ru", "Неверный аргумент или параметр; ничего не отправлено." },
        { CB_E_CONNECTION_FAILED, "en", "Connection failure: could not connect to the server, or the connection broke before an answer." },
        { CB_E_TIMEOUT, "ru", "Нет ответа сервера за отведённое время (тайм-аут). Доставка неизвестна." },
        { CB_E_TLS_FAILURE, "en", "TLS/certificate failure. The message was not delivered." },
        { CB_E_INTERNAL, "en", "Connect.Bridge internal error." },
        { -42, "en", "-42 is not a Connect.Bridge status code." },
        { 200, "en", "HTTP 200: success." },
        { 204, "ru", "HTTP 204: успешно." },
        { 400, "en", "HTTP 400: the request contains an error." },
        { 401, "en", "HTTP 401: the user is not authorised (check the login and password)." },
        { 401, "ru", "HTTP 401: пользователь не авторизован (проверьте логин и пароль)." },
        { 403, "en", "HTTP 403: insufficient rights." },
        { 404, "en", "HTTP 404: not found (check BaseUrl)." },
        { 413, "en", "HTTP 413: the request is too large." },
        { 429, "ru", "HTTP 429: слишком много запросов, повторите позже." },
        { 503, "en", "HTTP 503: server error." },
        { 418, "en", "HTTP 418: the server rejected the request." },
        { 302, "ru", "HTTP 302: сервер отклонил запрос." },
        { 999, "en", "HTTP 999: the server rejected the request." },
        { 99, "en", "HTTP 99: the server rejected the request." },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int n = cb_status_text(cases[i].status, cases[i].language, buf, (int)sizeof buf);
        check(n == (int)strlen(cases[i].text) + 1 && strcmp(buf, cases[i].text) == 0, "cb_status_text(%d, %s) -> %d \"%s\"",
              cases[i].status, cases[i].language, n, buf);
    }
    const char *ru401 = "HTTP 401: пользователь не авторизован (проверьте логин и пароль).";
    static const char *const russian[] = { NULL, "", "ru", " RU " };
    for (size_t i = 0; i < 4; i++) {
        int n = cb_status_text(401, russian[i], buf, (int)sizeof buf);
        check(n == (int)strlen(ru401) + 1 && strcmp(buf, ru401) == 0, "cb_status_text language %s%s%s is Russian",
              russian[i] ? "\"" : "", russian[i] ? russian[i] : "NULL", russian[i] ? "\"" : "");
    }
    strcpy(buf, "untouched");
    check(cb_status_text(401, "de", buf, (int)sizeof buf) == CB_E_INVALID_ARGUMENT && strcmp(buf, "untouched") == 0,
          "cb_status_text language \"de\" -> -1, buffer untouched");
    check(cb_status_text(401, "\xc3\x28", buf, (int)sizeof buf) == CB_E_INVALID_ARGUMENT, "cb_status_text badly encoded language -> -1");
    int needed = cb_status_text(401, "ru", NULL, 0);
    check(needed == (int)strlen(ru401) + 1, "cb_status_text(NULL, 0) gives the size needed: %d", needed);
    check(cb_status_text(401, "ru", buf, -1) == CB_E_INVALID_ARGUMENT, "cb_status_text negative size -> -1");
    check(cb_status_text(401, "ru", NULL, 10) == CB_E_INVALID_ARGUMENT, "cb_status_text NULL buffer with size 10 -> -1");
    char small[16];
    size_t fit = utf8_fit(ru401, strlen(ru401), sizeof small - 1);
    int n = cb_status_text(401, "ru", small, (int)sizeof small);
    check(n == needed && strlen(small) == fit && strncmp(small, ru401, fit) == 0,
          "cb_status_text into 16 bytes: %zu bytes, no split sequence, NUL-terminated, returns %d", fit, n);

    uint16_t wbuf[256], expected_w[256];
    size_t units = utf8_to_utf16("HTTP 403: insufficient rights.", expected_w);
    n = cb_status_text_w(403, u16("en"), wbuf, 256);
    check(n == (int)units + 1 && memcmp(wbuf, expected_w, (units + 1) * 2) == 0, "cb_status_text_w(403, u\"en\") -> %d, UTF-16 text", n);
    units = utf8_to_utf16(ru401, expected_w);
    n = cb_status_text_w(401, NULL, wbuf, 256);
    check(n == (int)units + 1 && memcmp(wbuf, expected_w, (units + 1) * 2) == 0, "cb_status_text_w(401, NULL) is Russian");
    check(cb_status_text_w(401, u16("fr"), wbuf, 256) == CB_E_INVALID_ARGUMENT, "cb_status_text_w u\"fr\" -> -1");
    check(cb_status_text_w(401, NULL, NULL, 0) == (int)units + 1, "cb_status_text_w(NULL, 0) gives the units needed");
}

static void test_success(void)
{
    cb_sender *s = new_sender(g_base_url);
    emulator_reset();

    const char *text = "Здравствуйте! Ваша заявка №42 принята. Ёлка 🎄";
    int st = cb_send_message(s, g_line, USER, text);
    char *err = last_error(s);
    check(st == 200 && err[0] == 0 && cb_last_status(s) == 200, "send Cyrillic text -> %d, empty error text", st);
    char *m = emulator_messages();
    check(contains_all(m, (const char *[]){ text, g_line, USER, NULL }), "emulator recorded the Cyrillic text, line and user");
    free(m);

    /* JSON keyboard, wire form and shorthand mixed */
    st = cb_set_keyboard(s, "[[{\"text\":\"Да\",\"id\":\"yes-1\"},{\"text\":\"Нет\"}],[\"Позвать оператора\"]]", CB_KEYBOARD_JSON);
    check(st == 0 && cb_last_status(s) == 0, "cb_set_keyboard JSON -> %d", st);
    emulator_reset();
    st = cb_send_message(s, g_line, USER, "Выберите вариант");
    m = emulator_messages();
    check(st == 200 && contains_all(m, (const char *[]){ "Выберите вариант", "\"Да\"", "\"yes-1\"", "\"Нет\"", "\"Позвать оператора\"", NULL }),
          "send with JSON keyboard -> %d, emulator recorded the buttons and the id", st);
    free(m);

    /* Rows keyboard, with an escaped pipe */
    st = cb_set_keyboard(s, "Первая | Вторая\r\nТретья \\| с чертой\n\nЧетвёртая", CB_KEYBOARD_ROWS);
    check(st == 0, "cb_set_keyboard ROWS -> %d", st);
    emulator_reset();
    st = cb_send_message(s, g_line, USER, "Клавиатура строками");
    m = emulator_messages();
    check(st == 200 && contains_all(m, (const char *[]){ "\"Первая\"", "\"Вторая\"", "\"Третья | с чертой\"", "\"Четвёртая\"", NULL }),
          "send with rows keyboard -> %d, emulator recorded 4 trimmed buttons", st);
    free(m);

    /* AUTO picks each form */
    check(cb_set_keyboard(s, "  [[\"А\"]]", CB_KEYBOARD_AUTO) == 0, "cb_set_keyboard AUTO takes JSON");
    emulator_reset();
    st = cb_send_message(s, g_line, USER, "авто JSON");
    m = emulator_messages();
    check(st == 200 && contains_all(m, (const char *[]){ "\"А\"", NULL }), "AUTO JSON keyboard recorded");
    free(m);
    check(cb_set_keyboard(s, "Б|В", CB_KEYBOARD_AUTO) == 0, "cb_set_keyboard AUTO takes rows");
    emulator_reset();
    st = cb_send_message(s, g_line, USER, "авто строки");
    m = emulator_messages();
    check(st == 200 && contains_all(m, (const char *[]){ "\"Б\"", "\"В\"", NULL }), "AUTO rows keyboard recorded");
    free(m);

    /* Clearing: NULL and "" */
    check(cb_set_keyboard(s, NULL, CB_KEYBOARD_AUTO) == 0, "cb_set_keyboard NULL clears");
    emulator_reset();
    st = cb_send_message(s, g_line, USER, "без клавиатуры");
    m = emulator_messages();
    check(st == 200 && m && strstr(m, "без клавиатуры") && !strstr(m, "\"Б\""), "after clearing, no buttons recorded");
    free(m);
    check(cb_set_keyboard(s, "", CB_KEYBOARD_JSON) == 0, "cb_set_keyboard \"\" clears");

    /* DropKeyboard */
    emulator_reset();
    st = cb_drop_keyboard(s, g_line, USER);
    m = emulator_messages();
    check(st == 200 && emulator_number("accepted") == 1 && m && strstr(m, "drop"), "cb_drop_keyboard -> %d, recorded as a drop", st);
    free(m);

    /* Uppercase / braced ids are accepted and sent canonical */
    emulator_reset();
    char upper[64];
    snprintf(upper, sizeof upper, "{%s}", g_line);
    for (char *p = upper; *p; p++) if (*p >= 'a' && *p <= 'f') *p = (char)(*p - 32);
    st = cb_send_message(s, upper, USER, "id в фигурных скобках");
    m = emulator_messages();
    check(st == 200 && m && strstr(m, g_line), "braced uppercase line id -> %d, sent as canonical lowercase", st);
    free(m);
    cb_sender_destroy(s);
}

static void test_invalid_arguments(void)
{
    cb_sender *s = new_sender(g_base_url);
    emulator_reset();
    char buf[512];

    /* NULL handle, every function */
    check(cb_send_message(NULL, g_line, USER, "x") == CB_E_INVALID_ARGUMENT, "cb_send_message(NULL handle) -> -1");
    check(cb_send_message_w(NULL, u16(g_line), u16(USER), u16("x")) == CB_E_INVALID_ARGUMENT, "cb_send_message_w(NULL handle) -> -1");
    check(cb_drop_keyboard(NULL, g_line, USER) == CB_E_INVALID_ARGUMENT, "cb_drop_keyboard(NULL handle) -> -1");
    check(cb_drop_keyboard_w(NULL, u16(g_line), u16(USER)) == CB_E_INVALID_ARGUMENT, "cb_drop_keyboard_w(NULL handle) -> -1");
    check(cb_set_option(NULL, CB_OPT_LOGIN, "x") == CB_E_INVALID_ARGUMENT, "cb_set_option(NULL handle) -> -1");
    check(cb_set_option_w(NULL, CB_OPT_LOGIN, u16("x")) == CB_E_INVALID_ARGUMENT, "cb_set_option_w(NULL handle) -> -1");
    check(cb_set_keyboard(NULL, "A", CB_KEYBOARD_ROWS) == CB_E_INVALID_ARGUMENT, "cb_set_keyboard(NULL handle) -> -1");
    check(cb_set_keyboard_w(NULL, u16("A"), CB_KEYBOARD_ROWS) == CB_E_INVALID_ARGUMENT, "cb_set_keyboard_w(NULL handle) -> -1");
    check(cb_last_status(NULL) == CB_E_INVALID_ARGUMENT, "cb_last_status(NULL handle) -> -1");
    int needed = cb_last_error(NULL, buf, sizeof buf);
    saw_text(buf);
    check(needed > 1 && (size_t)needed == strlen(buf) + 1, "cb_last_error(NULL handle) gives the NULL-handle text: %s", buf);
    uint16_t wbuf[256];
    needed = cb_last_error_w(NULL, wbuf, 256);
    check(needed > 1 && (size_t)needed == u16len(wbuf) + 1, "cb_last_error_w(NULL handle) gives the text too (%d units)", needed);

    /* NULL strings */
    check_fail(cb_send_message(s, NULL, USER, "x"), -1, s, "NULL line_id");
    check_fail(cb_send_message(s, g_line, NULL, "x"), -1, s, "NULL user_id");
    check_fail(cb_send_message(s, g_line, USER, NULL), -1, s, "NULL text");
    check_fail(cb_drop_keyboard(s, NULL, USER), -1, s, "drop: NULL line_id");
    check_fail(cb_send_message_w(s, u16(g_line), u16(USER), NULL), -1, s, "_w: NULL text");

    /* invalid UTF-8 */
    check_fail(cb_send_message(s, g_line, USER, "abc\xC3\x28"), -1, s, "invalid UTF-8 in text (bad continuation)");
    check_fail(cb_send_message(s, g_line, USER, "\xC0\xAF"), -1, s, "invalid UTF-8 in text (overlong)");
    check_fail(cb_send_message(s, g_line, USER, "end\xE2\x82"), -1, s, "invalid UTF-8 in text (truncated sequence)");
    check_fail(cb_send_message(s, g_line, USER, "\xED\xA0\x80"), -1, s, "invalid UTF-8 in text (encoded surrogate)");
    check_fail(cb_send_message(s, "\xFF", USER, "x"), -1, s, "invalid UTF-8 in line_id");
    check_fail(cb_drop_keyboard(s, g_line, "\xFE"), -1, s, "invalid UTF-8 in user_id (drop)");
    check_fail(cb_set_option(s, CB_OPT_LOGIN, "lo\x80gin"), -1, s, "invalid UTF-8 in an option value");
    check_fail(cb_set_keyboard(s, "Да|\xC3", CB_KEYBOARD_ROWS), -1, s, "invalid UTF-8 in a keyboard");

    /* invalid UTF-16 */
    uint16_t lone_high[] = { 'a', 0xD83D, 'b', 0 }, lone_low[] = { 0xDE42, 0 }, high_at_end[] = { 'x', 0xD83D, 0 };
    check_fail(cb_send_message_w(s, u16(g_line), u16(USER), lone_high), -1, s, "UTF-16 lone high surrogate in text");
    check_fail(cb_send_message_w(s, u16(g_line), u16(USER), lone_low), -1, s, "UTF-16 lone low surrogate in text");
    check_fail(cb_send_message_w(s, u16(g_line), u16(USER), high_at_end), -1, s, "UTF-16 high surrogate at the end of text");
    check_fail(cb_set_option_w(s, CB_OPT_LOGIN, lone_low), -1, s, "UTF-16 lone surrogate in an option value");
    check_fail(cb_set_keyboard_w(s, lone_high, CB_KEYBOARD_ROWS), -1, s, "UTF-16 lone surrogate in a keyboard");
    check_fail(cb_drop_keyboard_w(s, u16(g_line), lone_high), -1, s, "UTF-16 lone surrogate in user_id (drop)");

    /* bad ids, empty text */
    check_fail(cb_send_message(s, "not-a-uuid", USER, "x"), -1, s, "bad line_id");
    check_fail(cb_send_message(s, g_line, "df4cca69-ce40-472e-9083-af9b279c72c", USER), -1, s, "user_id of 35 characters");
    check_fail(cb_send_message(s, g_line, "", "x"), -1, s, "empty user_id");
    check_fail(cb_send_message(s, g_line, USER, ""), -1, s, "empty text");
    check_fail(cb_send_message(s, g_line, USER, " \t\r\n "), -1, s, "whitespace-only text");
    check_fail(cb_drop_keyboard(s, "zzzzzzzz-ce40-472e-9083-af9b279c72cc", USER), -1, s, "drop: non-hex line_id");

    /* options */
    check_fail(cb_set_option(s, 0, "x"), -1, s, "unknown option id 0");
    check_fail(cb_set_option(s, 16, "x"), -1, s, "unknown option id 16");
    check_fail(cb_set_option(s, -7, "x"), -1, s, "unknown option id -7");
    check_fail(cb_set_option_w(s, 99, u16("x")), -1, s, "unknown option id 99 (_w)");
    check_fail(cb_set_option(s, CB_OPT_TIMEOUT_MS, "soon"), -1, s, "non-numeric timeout");
    check_fail(cb_set_option(s, CB_OPT_LANGUAGE, "de"), -1, s, "unknown language");
    check_fail(cb_set_option(s, CB_OPT_AUTHOR_ID, "author"), -1, s, "bad author id");

    /* keyboards */
    check_fail(cb_set_keyboard(s, "[[\"A\"", CB_KEYBOARD_JSON), -1, s, "malformed JSON keyboard");
    check_fail(cb_set_keyboard(s, "[[{\"text\":\"\"}]]", CB_KEYBOARD_JSON), -1, s, "JSON keyboard with an empty button");
    check_fail(cb_set_keyboard(s, "A||B", CB_KEYBOARD_ROWS), -1, s, "rows keyboard with an empty button");
    check_fail(cb_set_keyboard(s, "A|B", 7), -1, s, "unknown keyboard format 7");
    check_fail(cb_set_keyboard(s, "A|B", -1), -1, s, "unknown keyboard format -1");

    /* buffer sizes */
    check(cb_last_error(s, buf, -1) == CB_E_INVALID_ARGUMENT, "cb_last_error with a negative size -> -1");
    check(cb_last_status(s) == CB_E_INVALID_ARGUMENT && last_error(s)[0] != 0, "... and it becomes the sender's last error");
    check(cb_last_error_w(s, wbuf, -100) == CB_E_INVALID_ARGUMENT, "cb_last_error_w with a negative size -> -1");
    check(cb_last_error(s, NULL, 10) == CB_E_INVALID_ARGUMENT, "cb_last_error with a NULL buffer and size 10 -> -1");

    /* The keyboard that was there before a failed cb_set_keyboard stays (here: none). */
    check(emulator_number("requests") == 0, "nothing reached the emulator for any invalid argument (requests = %ld)",
          emulator_number("requests"));

    /* Refusals are sticky: the oldest standing one answers every send until its setting is set again validly. */
    int sticky = cb_send_message(s, g_line, USER, "ok");
    check(sticky == -1 && strstr(last_error(s), "UTF-8") != NULL, "a refused setting makes the next send -1 with its text: %s", last_error(s));
    check(cb_set_option(s, CB_OPT_LOGIN, g_login) == 0 && cb_set_option(s, CB_OPT_TIMEOUT_MS, "10000") == 0
          && cb_set_option(s, CB_OPT_LANGUAGE, "ru") == 0 && cb_set_option(s, CB_OPT_AUTHOR_ID, "") == 0
          && cb_set_keyboard(s, "", CB_KEYBOARD_AUTO) == 0, "refused settings set again validly -> 0");
    check(cb_last_status(s) == 0 && last_error(s)[0] == 0, "... and no refusal is reported any more");
    check(emulator_number("requests") == 0, "nothing reached the emulator while a refusal stood");

    /* A failure then a success: the success clears the text */
    cb_send_message(s, g_line, USER, "");
    int st = cb_send_message(s, g_line, USER, "ok");
    check(st == 200 && last_error(s)[0] == 0, "a success after a failure clears the error text");

    /* Language */
    cb_send_message(s, "bad", USER, "x");
    char ru[512];
    snprintf(ru, sizeof ru, "%s", last_error(s));
    check(cb_set_option(s, CB_OPT_LANGUAGE, "en") == 0, "CB_OPT_LANGUAGE en -> 0");
    cb_send_message(s, "bad", USER, "x");
    char *en = last_error(s);
    int ascii = 1;
    for (const char *p = en; *p; p++) if ((unsigned char)*p >= 0x80) ascii = 0;
    check(en[0] && strcmp(ru, en) != 0 && ascii, "English error text differs from the Russian one: %s", en);
    cb_sender_destroy(s);
}

static void test_http_errors(void)
{
    /* 401: wrong password */
    cb_sender *s = new_sender(g_base_url);
    cb_set_option(s, CB_OPT_PASSWORD, "wrong-password-xyz");
    check_fail(cb_send_message(s, g_line, USER, "Привет"), 401, s, "wrong password");
    check_fail(cb_drop_keyboard(s, g_line, USER), 401, s, "wrong password (drop)");
    cb_sender_destroy(s);

    /* 403: a line the emulator does not serve */
    s = new_sender(g_base_url);
    check_fail(cb_send_message(s, OTHER_LINE, USER, "Привет"), 403, s, "line outside the emulator's list");
    cb_sender_destroy(s);

    /* 400: the client validates everything the emulator would refuse, so a loopback server of our own
       answers 400 with an error body; the library must return 400 and quote the server's text. */
    struct server sv;
    check(server_start(&sv, SERVER_400), "400 server started");
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", sv.port);
    s = new_sender(url);
    int st = cb_send_message(s, g_line, USER, "Привет");
    const char *err = last_error(s);
    check(st == 400 && strstr(err, "marker-7f3a") && strstr(err, "🙂"), "server 400 -> %d, text quotes the server: %s", st, err);
    check(sv.requests == 1, "400 is not retried (server saw %d request)", sv.requests);

    /* truncation rules, on this text (Cyrillic = 2-byte, emoji = 4-byte sequence / surrogate pair) */
    char full[2048];
    int needed = cb_last_error(s, full, sizeof full);
    int len = (int)strlen(full);
    check(needed == len + 1 && needed > 10, "cb_last_error returns the size needed incl. NUL (%d)", needed);
    check(cb_last_error(s, NULL, 0) == needed, "size 0 with a NULL buffer returns the size needed");
    int ok = 1;
    char bad[128] = "";
    for (int size = 1; size <= needed + 2 && ok; size++) {
        char b[2048 + 8];
        memset(b, 'Z', sizeof b);
        int r = cb_last_error(s, b, size);
        size_t expect = utf8_fit(full, (size_t)len, (size_t)size - 1);
        if (r != needed) { ok = 0; snprintf(bad, sizeof bad, "size %d returned %d", size, r); }
        else if (b[expect] != 0 || memcmp(b, full, expect) != 0) { ok = 0; snprintf(bad, sizeof bad, "size %d: wrong copy", size); }
        else if (b[size] != 'Z') { ok = 0; snprintf(bad, sizeof bad, "size %d: wrote past the buffer", size); }
    }
    check(ok, "UTF-8 truncation at every size 1..%d: longest whole-sequence prefix, NUL-terminated, nothing past the end %s",
          needed + 2, bad);
    {
        char b[4] = { 'Z', 'Z', 'Z', 'Z' };
        check(cb_last_error(s, b, 0) == needed && b[0] == 'Z', "size 0 writes nothing");
    }

    uint16_t wfull[2048];
    int wneeded = cb_last_error_w(s, wfull, 2048);
    int wlen = (int)u16len(wfull);
    const uint16_t *expect16 = u16(full);
    check(wneeded == wlen + 1 && wlen == (int)u16len(expect16) && memcmp(wfull, expect16, (size_t)wlen * 2) == 0,
          "cb_last_error_w gives the same text in UTF-16, size needed %d units", wneeded);
    ok = 1;
    bad[0] = 0;
    int pairs = 0;
    for (int size = 1; size <= wneeded + 2 && ok; size++) {
        uint16_t b[2048 + 8];
        for (int i = 0; i < 2048 + 8; i++) b[i] = 0x5A5A;
        int r = cb_last_error_w(s, b, size);
        int expect = size - 1 < wlen ? size - 1 : wlen;
        if (expect > 0 && expect < wlen && wfull[expect - 1] >= 0xD800 && wfull[expect - 1] < 0xDC00) { expect--; pairs++; }
        if (r != wneeded) { ok = 0; snprintf(bad, sizeof bad, "size %d returned %d", size, r); }
        else if (b[expect] != 0 || memcmp(b, wfull, (size_t)expect * 2) != 0) { ok = 0; snprintf(bad, sizeof bad, "size %d: wrong copy", size); }
        else if (b[size] != 0x5A5A) { ok = 0; snprintf(bad, sizeof bad, "size %d: wrote past the buffer", size); }
    }
    check(ok && pairs == 1, "UTF-16 truncation at every size: never splits the surrogate pair (%d cut avoided), NUL-terminated %s",
          pairs, bad);
    cb_sender_destroy(s);
    server_stop(&sv);

    /* -2: a closed loopback port */
    int port, fd = listen_loopback(&port);
    close(fd);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    s = new_sender(url);
    cb_set_option(s, CB_OPT_MAX_RETRIES, "1");
    check_fail(cb_send_message(s, g_line, USER, "Привет"), CB_E_CONNECTION_FAILED, s, "closed port");
    cb_sender_destroy(s);

    /* -3: a server that accepts and never answers; short timeout */
    check(server_start(&sv, SERVER_SILENT), "silent server started");
    snprintf(url, sizeof url, "http://127.0.0.1:%d", sv.port);
    s = new_sender(url);
    check(cb_set_option(s, CB_OPT_TIMEOUT_MS, "700") == 0, "CB_OPT_TIMEOUT_MS 700 -> 0");
    check_fail(cb_send_message(s, g_line, USER, "Привет"), CB_E_TIMEOUT, s, "server never answers");
    check(sv.requests == 1, "a timeout after sending is not retried (server saw %d connection)", sv.requests);
    cb_sender_destroy(s);
    server_stop(&sv);
}

/* CB_OPT_RETRY_DELAY_MS: the core's bounds (10..30000 whole ms) and text through both entry points, and its effect on
   a server that answers 503 (retried): a delay longer than the timeout leaves one request, a short one three. */
static void test_retry_delay(void)
{
    cb_sender *s = new_sender(g_base_url);
    check_fail(cb_set_option(s, CB_OPT_RETRY_DELAY_MS, "9"), -1, s, "CB_OPT_RETRY_DELAY_MS 9 (under 10 ms)");
    const char *text = last_error(s);
    check(strcmp(text, "Неверный параметр: задержка повтора «9» должна быть от 10 мс до 30 с.") == 0, "... the core's text: %s", text);
    check_fail(cb_set_option(s, CB_OPT_RETRY_DELAY_MS, "30001"), -1, s, "CB_OPT_RETRY_DELAY_MS 30001 (over 30 s)");
    check_fail(cb_set_option(s, CB_OPT_RETRY_DELAY_MS, "250.5"), -1, s, "CB_OPT_RETRY_DELAY_MS 250.5 (not whole milliseconds)");
    check_fail(cb_set_option(s, CB_OPT_RETRY_DELAY_MS, ""), -1, s, "CB_OPT_RETRY_DELAY_MS \"\"");
    check_fail(cb_set_option_w(s, CB_OPT_RETRY_DELAY_MS, u16("0")), -1, s, "CB_OPT_RETRY_DELAY_MS 0 (_w)");
    check_fail(cb_set_option_w(s, CB_OPT_RETRY_DELAY_MS, u16("soon")), -1, s, "CB_OPT_RETRY_DELAY_MS soon (_w)");
    text = last_error(s);
    check(strcmp(text, "Неверный параметр: задержка повтора «soon» должна быть от 10 мс до 30 с.") == 0, "... the core's text (_w): %s", text);
    check_fail(cb_send_message(s, g_line, USER, "x"), -1, s, "a send while the retry delay is refused");
    check(cb_set_option(s, CB_OPT_RETRY_DELAY_MS, "10") == 0 && cb_set_option_w(s, CB_OPT_RETRY_DELAY_MS, u16("30000")) == 0 &&
          cb_last_status(s) == 0, "CB_OPT_RETRY_DELAY_MS at its bounds, 10 and 30000 (_w) -> 0, the refusal gone");
    cb_sender_destroy(s);

    struct server sv;
    check(server_start(&sv, SERVER_503), "503 server started");
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", sv.port);
    s = new_sender(url);
    cb_set_option(s, CB_OPT_TIMEOUT_MS, "3000");
    cb_set_option(s, CB_OPT_MAX_RETRIES, "2");
    check(cb_set_option(s, CB_OPT_RETRY_DELAY_MS, "30000") == 0, "CB_OPT_RETRY_DELAY_MS 30000 -> 0");
    int st = cb_send_message(s, g_line, USER, "повтор");
    check(st == 503 && sv.requests == 1, "a 30 s first backoff outlasts the 3 s timeout: %d after %d request (expected 503 after 1)", st, sv.requests);
    check(cb_set_option_w(s, CB_OPT_RETRY_DELAY_MS, u16("10")) == 0, "CB_OPT_RETRY_DELAY_MS 10 (_w) -> 0");
    st = cb_send_message(s, g_line, USER, "повтор");
    check(st == 503 && sv.requests == 4, "a 10 ms first backoff: %d after %d more requests (expected 503 after 3)", st, sv.requests - 1);
    cb_sender_destroy(s);
    server_stop(&sv);
}

static void test_utf16(void)
{
    cb_sender *s = cb_sender_create();
    check(cb_set_option_w(s, CB_OPT_BASE_URL, u16(g_base_url)) == 0 && cb_set_option_w(s, CB_OPT_LOGIN, u16(g_login)) == 0 &&
          cb_set_option_w(s, CB_OPT_PASSWORD, u16(g_password)) == 0, "cb_set_option_w for base URL, login, password -> 0");
    check(cb_set_keyboard_w(s, u16("Да 👍|Нет\nЕщё"), CB_KEYBOARD_ROWS) == 0, "cb_set_keyboard_w rows -> 0");
    emulator_reset();
    const char *text = "Сообщение через UTF-16 😀 ё";
    int st = cb_send_message_w(s, u16(g_line), u16(USER), u16(text));
    uint16_t w[64] = { 0x5A5A };
    int needed = cb_last_error_w(s, w, 64);
    char *m = emulator_messages();
    check(st == 200 && needed == 1 && w[0] == 0, "cb_send_message_w -> %d, empty UTF-16 error text", st);
    check(contains_all(m, (const char *[]){ text, "\"Да 👍\"", "\"Нет\"", "\"Ещё\"", NULL }),
          "emulator recorded the UTF-16 text (with a surrogate pair) and keyboard as UTF-8");
    free(m);
    emulator_reset();
    st = cb_drop_keyboard_w(s, u16(g_line), u16(USER));
    check(st == 200 && emulator_number("accepted") == 1, "cb_drop_keyboard_w -> %d", st);
    st = cb_send_message_w(s, u16("плохой"), u16(USER), u16("x"));
    needed = cb_last_error_w(s, w, 64);
    check(st == -1 && needed > 1 && w[0] != 0, "a _w failure gives a UTF-16 text (%d units)", needed);
    cb_sender_destroy(s);
}

static void test_one_shot(void)
{
    char err[512] = "garbage";
    emulator_reset();
    int st = cb_send(g_base_url, g_login, g_password, g_line, USER, "Разовая отправка", "Ок|Отмена", CB_KEYBOARD_ROWS,
                     err, sizeof err);
    char *m = emulator_messages();
    check(st == 200 && err[0] == 0, "cb_send -> %d, empty error text", st);
    check(contains_all(m, (const char *[]){ "Разовая отправка", "\"Ок\"", "\"Отмена\"", NULL }), "cb_send: emulator recorded text and keyboard");
    free(m);

    st = cb_send(g_base_url, g_login, g_password, g_line, USER, "без клавиатуры", NULL, CB_KEYBOARD_AUTO, NULL, 0);
    check(st == 200, "cb_send with NULL keyboard and no error buffer -> %d", st);

    st = cb_send(g_base_url, g_login, "not-the-password", g_line, USER, "x", NULL, 0, err, sizeof err);
    saw_text(err);
    check(st == 401 && err[0] != 0, "cb_send wrong password -> %d: %s", st, err);

    char small[8];
    st = cb_send(g_base_url, g_login, g_password, "bad", USER, "x", NULL, 0, small, sizeof small);
    check(st == -1 && strlen(small) < sizeof small, "cb_send bad id -> %d, text truncated into 8 bytes", st);

    emulator_reset();
    st = cb_send(g_base_url, g_login, g_password, g_line, USER, "x", NULL, 0, err, -1);
    check(st == -1, "cb_send with a negative buffer size -> %d", st);
    st = cb_send(g_base_url, g_login, g_password, g_line, USER, "x", NULL, 0, NULL, 5);
    check(st == -1, "cb_send with a NULL buffer and size 5 -> %d", st);
    st = cb_send(g_base_url, g_login, g_password, g_line, USER, "\xC3", NULL, 0, err, sizeof err);
    check(st == -1 && err[0], "cb_send with invalid UTF-8 -> %d: %s", st, err);
    st = cb_send(g_base_url, g_login, g_password, g_line, USER, "x", "A|B", 9, err, sizeof err);
    check(st == -1 && err[0], "cb_send with an unknown keyboard format -> %d: %s", st, err);
    check(emulator_number("requests") == 0, "cb_send: nothing sent for the invalid calls");

    uint16_t werr[256];
    st = cb_send_w(u16(g_base_url), u16(g_login), u16(g_password), u16(g_line), u16(USER), u16("Разово UTF-16 🙂"),
                   u16("[[\"Да\"]]"), CB_KEYBOARD_JSON, werr, 256);
    m = emulator_messages();
    check(st == 200 && werr[0] == 0 && contains_all(m, (const char *[]){ "Разово UTF-16 🙂", "\"Да\"", NULL }), "cb_send_w -> %d, recorded", st);
    free(m);
    uint16_t lone[] = { 0xDC00, 0 };
    st = cb_send_w(u16(g_base_url), u16(g_login), u16(g_password), u16(g_line), u16(USER), lone, NULL, 0, werr, 256);
    check(st == -1 && werr[0] != 0, "cb_send_w with a lone surrogate -> %d, UTF-16 text", st);
}

/* Floating-point environment. The library runs with FP exceptions masked and gives the caller's environment
   back unchanged; checked here with every exception unmasked, FE_INEXACT included (stricter than Delphi and
   Free Pascal, which the Pascal harness covers with their own default). The first call into the library,
   which initialises the runtime, was made with the default mask (see connect_bridge.h). */
static void test_fp_environment(void)
{
    cb_sender *s = new_sender(g_base_url);
    feclearexcept(FE_ALL_EXCEPT);
    int st = cb_send_message(s, g_line, USER, "флаги FP");
    check(st == 200 && fetestexcept(FE_ALL_EXCEPT) == 0, "a send leaves no FP exception flag raised in the caller (flags %#x)",
          fetestexcept(FE_ALL_EXCEPT));

    feenableexcept(FE_ALL_EXCEPT);
    int ok = cb_set_keyboard(s, "[[\"Да\",\"Нет\"]]", CB_KEYBOARD_AUTO) == 0;
    ok &= cb_send_message(s, g_line, USER, "все исключения FP размаскированы") == 200;
    ok &= cb_send_message(s, g_line, USER, "") == CB_E_INVALID_ARGUMENT;
    ok &= cb_set_option(s, CB_OPT_TIMEOUT_MS, "1500") == 0;
    ok &= fegetexcept() == FE_ALL_EXCEPT;
    check(ok, "with every FP exception unmasked: keyboard, send, validation work and the caller's mask is unchanged");

    struct server sv;
    server_start(&sv, SERVER_SILENT);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", sv.port);
    cb_set_option(s, CB_OPT_BASE_URL, url);
    cb_set_option(s, CB_OPT_TIMEOUT_MS, "300");
    st = cb_send_message(s, g_line, USER, "тайм-аут");
    char err[512];
    cb_last_error(s, err, sizeof err); /* the text formats the timeout as a fractional number of seconds */
    check(st == CB_E_TIMEOUT && err[0] && fegetexcept() == FE_ALL_EXCEPT, "with every FP exception unmasked: timeout path -> %d", st);
    server_stop(&sv);

    int port, fd = listen_loopback(&port);
    close(fd);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    cb_set_option(s, CB_OPT_BASE_URL, url);
    cb_set_option(s, CB_OPT_TIMEOUT_MS, "5000");
    cb_set_option(s, CB_OPT_MAX_RETRIES, "2");
    st = cb_send_message(s, g_line, USER, "повторы");
    check(st == CB_E_CONNECTION_FAILED && fegetexcept() == FE_ALL_EXCEPT, "with every FP exception unmasked: retries with backoff -> %d", st);

    char small[7];
    st = cb_send(g_base_url, g_login, g_password, g_line, USER, "разовая", "А|Б", CB_KEYBOARD_ROWS, small, sizeof small);
    check(st == 200 && fegetexcept() == FE_ALL_EXCEPT, "with every FP exception unmasked: cb_send -> %d", st);
    fedisableexcept(FE_ALL_EXCEPT);
    cb_sender_destroy(s);
}

#define THREADS 8
#define SENDS_PER_THREAD 200

struct worker { int index, ok, failed, first_failure; };

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    if (w->index % 2) feenableexcept(FE_ALL_EXCEPT); /* half the threads run with every FP exception unmasked */
    cb_sender *s = new_sender(g_base_url);
    char text[64];
    for (int i = 0; i < SENDS_PER_THREAD; i++) {
        snprintf(text, sizeof text, "Поток %d, сообщение %d", w->index, i);
        int st = cb_send_message(s, g_line, USER, text);
        if (st == 200) w->ok++;
        else { if (!w->failed) w->first_failure = st; w->failed++; }
    }
    cb_sender_destroy(s);
    return NULL;
}

static void test_threads(void)
{
    emulator_reset();
    pthread_t t[THREADS];
    struct worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){ .index = i };
        pthread_create(&t[i], NULL, worker_main, &w[i]);
    }
    int ok = 0, failed = 0, first = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        ok += w[i].ok;
        failed += w[i].failed;
        if (w[i].failed && !first) first = w[i].first_failure;
    }
    check(ok == THREADS * SENDS_PER_THREAD && failed == 0,
          "%d threads x %d sends with separate senders (odd threads with FP exceptions unmasked): %d x 200, %d failed (first: %d)",
          THREADS, SENDS_PER_THREAD, ok, failed, first);
    long accepted = emulator_number("accepted"), requests = emulator_number("requests");
    check(accepted == THREADS * SENDS_PER_THREAD && requests == accepted,
          "emulator accepted exactly %d (accepted %ld, requests %ld)", THREADS * SENDS_PER_THREAD, accepted, requests);
}

/* Issue 19, item 1: CB_OPT_LOG_FILE never blocks. A FIFO without a reader is refused at once (before the fix the
   call never returned: alarm() bounds it here, 20 s, and ends the harness with a FAIL line); /dev/full and a
   directory are refused; an ordinary file gets one line per attempt, written by cb_sender_destroy at the latest. */
static void log_file_hang(int sig)
{
    (void)sig;
    static const char msg[] = "FAIL cb_set_option(CB_OPT_LOG_FILE, a FIFO without a reader) still blocked after 20 s\n";
    if (write(STDOUT_FILENO, msg, sizeof msg - 1) < 0) { /* nothing more to do */ }
    _exit(1);
}

/* Where the log-file checks point: a pipe nobody reads, a device, a directory, an ordinary file. The same rule on
   Windows (the harness cross-compiled against the Windows DLL, run under Wine): a named pipe, NUL, the temp directory. */
struct log_places {
    char pipe[300], dir[260], file[300];
    const char *pipe_kind, *device, *device_kind;
};
#ifdef _WIN32
static HANDLE g_log_pipe = INVALID_HANDLE_VALUE;
static int log_places_make(struct log_places *p)
{
    snprintf(p->pipe, sizeof p->pipe, "\\\\.\\pipe\\cb-harness-log-%lu", (unsigned long)GetCurrentProcessId());
    g_log_pipe = CreateNamedPipeA(p->pipe, PIPE_ACCESS_INBOUND, PIPE_TYPE_BYTE, 1, 0, 0, 0, NULL);
    DWORD n = GetTempPathA(sizeof p->dir, p->dir);
    snprintf(p->file, sizeof p->file, "%scb-harness-%lu.log", p->dir, (unsigned long)GetCurrentProcessId());
    p->pipe_kind = "";
    p->device = "NUL";
    p->device_kind = "";
    return g_log_pipe != INVALID_HANDLE_VALUE && n > 0 && n < sizeof p->dir;
}
static void log_places_remove(struct log_places *p)
{
    DeleteFileA(p->file);
    if (g_log_pipe != INVALID_HANDLE_VALUE) CloseHandle(g_log_pipe);
}
#else
static int log_places_make(struct log_places *p)
{
    snprintf(p->dir, sizeof p->dir, "/tmp/cb-harness-log-XXXXXX");
    if (!mkdtemp(p->dir)) return 0;
    snprintf(p->pipe, sizeof p->pipe, "%s/fifo.log", p->dir);
    snprintf(p->file, sizeof p->file, "%s/ok.log", p->dir);
    p->pipe_kind = " (a FIFO, a named pipe)";
    p->device = "/dev/full";
    p->device_kind = " (a character device)";
    return mkfifo(p->pipe, 0600) == 0;
}
static void log_places_remove(struct log_places *p)
{
    unlink(p->file);
    unlink(p->pipe);
    rmdir(p->dir);
}
#endif

static void check_log_refused(cb_sender *s, int st, const char *what, const char *kind)
{
    char expected[96];
    snprintf(expected, sizeof expected, "is not a regular file%s", kind);
    char *err = last_error(s);
    check(st == CB_E_INVALID_ARGUMENT && strstr(err, expected) != NULL, "CB_OPT_LOG_FILE = %s -> %d at once: %s", what, st, err);
}

static void test_log_file(void)
{
    struct log_places p;
    if (!log_places_make(&p)) { check(0, "the log file test's pipe, directory and file could be made"); return; }
    cb_sender *s = new_sender(g_base_url);
    cb_set_option(s, CB_OPT_LANGUAGE, "en");
    signal(SIGALRM, log_file_hang);
    alarm(20);
    int st = cb_set_option(s, CB_OPT_LOG_FILE, p.pipe);
    alarm(0);
    signal(SIGALRM, SIG_DFL);
    check_log_refused(s, st, "a pipe without a reader", p.pipe_kind);
    check_log_refused(s, cb_set_option(s, CB_OPT_LOG_FILE, p.device), p.device, p.device_kind);
    check_log_refused(s, cb_set_option(s, CB_OPT_LOG_FILE, p.dir), "a directory", " (a directory)");
    st = cb_send_message(s, g_line, USER, "log refused");
    check(st == CB_E_INVALID_ARGUMENT, "the refused log file is sticky: send -> %d, nothing sent", st);

    st = cb_set_option(s, CB_OPT_LOG_FILE, p.file);
    check(st == 0, "CB_OPT_LOG_FILE = an ordinary file -> %d", st);
    st = cb_send_message(s, g_line, USER, "logged");
    check(st == 200, "send with an ordinary log file -> %d", st);
    cb_sender_destroy(s);
    char line[512] = "";
    FILE *f = fopen(p.file, "r");
    int lines = 0, ok = 0;
    while (f && fgets(line, sizeof line, f)) { lines++; if (strstr(line, "-> 200 ")) ok++; }
    if (f) fclose(f);
    check(lines == 1 && ok == 1, "the log file has one line, the 200 (%d lines)", lines);
    log_places_remove(&p);
}

int main(void)
{
    g_base_url = getenv("CB_TEST_BASE_URL");
    g_login = getenv("CB_TEST_LOGIN");
    const char *password = getenv("CB_TEST_PASSWORD");
    g_line = getenv("CB_TEST_LINE");
    if (!g_base_url || !g_login || !password || !g_line) {
        fprintf(stderr, "set CB_TEST_BASE_URL, CB_TEST_LOGIN, CB_TEST_PASSWORD, CB_TEST_LINE\n");
        return 2;
    }
    g_password = password;
    const char *port = strrchr(g_base_url, ':');
    g_emulator_port = port ? atoi(port + 1) : 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("C harness, library %s, emulator %s\n", cb_version(), g_base_url);

    check(emulator_reset(), "emulator reachable at %s", g_base_url);
    test_basics();
    test_contract();
    test_success();
    test_invalid_arguments();
    test_http_errors();
    test_retry_delay();
    test_utf16();
    test_one_shot();
    test_fp_environment();
    test_threads();
    test_log_file();
    check(g_texts_seen > 20 && g_texts_with_password == 0, "the password appears in none of the %d error texts seen",
          g_texts_seen);

    return check_summary();
}
