/*
** bench_common.h -- shared bits of the native benchmark programs: the message (from the environment, the
** same one every client in bench/run.sh sends) and a sender set up for the benchmark server.
**
** Environment (bench/run.sh sets all of it):
**   BENCH_URL       base URL of the server, e.g. http://127.0.0.1:41234
**   BENCH_LOGIN     login
**   BENCH_PASSWORD  password (never printed)
**   BENCH_LINE, BENCH_USER, BENCH_TEXT, BENCH_KEYBOARD (rows form)
*/
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "connect_bridge.h"

static inline const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && v[0] ? v : fallback;
}

struct bench_msg {
    const char *url, *login, *password, *line, *user, *text, *keyboard;
};

static inline struct bench_msg bench_msg_from_env(void)
{
    struct bench_msg m;
    m.url = env_or("BENCH_URL", "http://127.0.0.1:8080");
    m.login = env_or("BENCH_LOGIN", "bot");
    m.password = env_or("BENCH_PASSWORD", "secret");
    m.line = env_or("BENCH_LINE", "3f2b8c1e-6a4d-4e5f-9b7a-1c2d3e4f5a6b");
    m.user = env_or("BENCH_USER", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    m.text = env_or("BENCH_TEXT", "Здравствуйте! Это сообщение бенчмарка.");
    m.keyboard = env_or("BENCH_KEYBOARD", "Да|Нет|Не знаю\nПозвать оператора|Отмена");
    return m;
}

/* A sender with the benchmark's options and keyboard; exits on a setup failure (with the library's text). */
static inline cb_sender *bench_sender(const struct bench_msg *m)
{
    cb_sender *s = cb_sender_create();
    if (!s) { fprintf(stderr, "cb_sender_create failed\n"); exit(2); }
    if (cb_set_option(s, CB_OPT_BASE_URL, m->url) != 0 || cb_set_option(s, CB_OPT_LOGIN, m->login) != 0
        || cb_set_option(s, CB_OPT_PASSWORD, m->password) != 0 || cb_set_option(s, CB_OPT_LANGUAGE, "en") != 0
        || cb_set_keyboard(s, m->keyboard, CB_KEYBOARD_ROWS) != 0) {
        char err[512];
        cb_last_error(s, err, (int)sizeof err);
        fprintf(stderr, "setup failed: %s\n", err);
        exit(2);
    }
    return s;
}

/* Sends one message; on failure prints the status and the library's error text (never the password). */
static inline int bench_send(cb_sender *s, const struct bench_msg *m)
{
    int status = cb_send_message(s, m->line, m->user, m->text);
    if (status < 200 || status > 299) {
        char err[512];
        cb_last_error(s, err, (int)sizeof err);
        fprintf(stderr, "send failed: %d %s\n", status, err);
        return 0;
    }
    return 1;
}

static inline double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
