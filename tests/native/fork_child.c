/*
** fork_child.c -- a forked child of a process that used libconnect_bridge.so gets a clear error at once.
**
** First a fork before any call into the library: that child may use it (the header promises so) and sends (200).
** Then the parent sends one message (200), forks, and the child calls cb_send_message with a 3 s timeout on the same
** sender, then the other entry points. Every call in the child must return CB_E_INVALID_ARGUMENT with the
** fork text (asserted exactly, Russian and English) and send nothing; the parent must still work afterwards.
** alarm() bounds the child: a regression (a hang in the runtime) ends in SIGALRM and fails, instead of hanging.
** Ends with "N passed, N failed".
**
** Environment: CB_TEST_BASE_URL, CB_TEST_LOGIN, CB_TEST_PASSWORD (never printed), CB_TEST_LINE.
*/
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "connect_bridge.h"
#include "test_util.h"
#include "../runner/loopback.h"

#define USER "df4cca69-ce40-472e-9083-af9b279c72cc"

static const char FORK_RU[] = "Неверное использование: библиотека уже работала в родительском процессе до fork(); пользуйтесь ею "
                              "только в загрузившем её процессе, а в дочернем сначала выполните exec. Ничего не отправлено.";
static const char FORK_EN[] = "Invalid use: the library was already in use in the parent process before fork(); use it only in "
                              "the process that loaded it, and in a child process exec first. Nothing was sent.";

static int g_passed, g_failed;

static void check(int ok, const char *what, int status)
{
    printf("%s %s (%d)\n", ok ? "PASS" : "FAIL", what, status);
    fflush(stdout);
    if (ok) g_passed++; else g_failed++;
}

static int emulator_requests(int port)
{
    char resp[8192];
    if (loopback_request(port, "GET /emulator/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", resp, sizeof resp) < 0)
        return -1;
    char *body = strstr(resp, "\r\n\r\n");
    return body ? (int)json_number(body, "requests") : -1;
}

/* The child prints a line per check and returns its failure count; the parent counts the child as one check
   (its exit status), so the child's lines are not counted twice. */
static int child(cb_sender *ru, cb_sender *en, const char *line)
{
    alarm(10);   /* the timeout is 3 s: anything near 10 s is the hang this test exists for */
    char buf[1024];
    uint16_t wbuf[512];
    int st, failures = 0;
#define CHILD_CHECK(ok, what, status) do { int ok_ = (ok); check(ok_, what, status); failures += !ok_; } while (0)

    st = cb_send_message(ru, line, USER, "из дочернего процесса");
    CHILD_CHECK(st == CB_E_INVALID_ARGUMENT, "child: cb_send_message (3 s timeout) returns -1 at once", st);
    st = cb_last_error(ru, buf, (int)sizeof buf);
    CHILD_CHECK(st == (int)sizeof FORK_RU && strcmp(buf, FORK_RU) == 0, "child: cb_last_error is the fork text (ru)", st);
    st = cb_last_status(ru);
    CHILD_CHECK(st == CB_E_INVALID_ARGUMENT, "child: cb_last_status is -1", st);
    st = cb_drop_keyboard(en, line, USER);
    CHILD_CHECK(st == CB_E_INVALID_ARGUMENT, "child: cb_drop_keyboard returns -1", st);
    st = cb_last_error(en, buf, (int)sizeof buf);
    CHILD_CHECK(st == (int)sizeof FORK_EN && strcmp(buf, FORK_EN) == 0, "child: cb_last_error on an English sender is the fork text (en)", st);
    st = cb_last_error_w(en, wbuf, 512);
    uint16_t expected_w[512];
    size_t units = utf8_to_utf16(FORK_EN, expected_w);
    CHILD_CHECK(st == (int)units + 1 && memcmp(wbuf, expected_w, (units + 1) * 2) == 0, "child: cb_last_error_w is the fork text", st);
    st = cb_last_error(en, buf, 8);
    CHILD_CHECK(st == (int)sizeof FORK_EN && strcmp(buf, "Invalid") == 0, "child: a short buffer gets what fits, NUL-terminated", st);
    st = cb_last_error(en, NULL, 8);
    CHILD_CHECK(st == CB_E_INVALID_ARGUMENT, "child: a NULL buffer with room is -1", st);
    st = cb_set_option(ru, CB_OPT_LOGIN, "x");
    CHILD_CHECK(st == CB_E_INVALID_ARGUMENT, "child: cb_set_option returns -1", st);
    st = cb_set_keyboard(ru, "A|B", CB_KEYBOARD_ROWS);
    CHILD_CHECK(st == CB_E_INVALID_ARGUMENT, "child: cb_set_keyboard returns -1", st);
    uint16_t wline[64], wuser[64], wtext[64], wlogin[64];
    utf8_to_utf16(line, wline);
    utf8_to_utf16(USER, wuser);
    utf8_to_utf16("x", wtext);
    utf8_to_utf16("bot", wlogin);
    st = cb_send_message_w(en, wline, wuser, wtext);
    CHILD_CHECK(st == CB_E_INVALID_ARGUMENT, "child: cb_send_message_w returns -1", st);
    st = cb_drop_keyboard_w(en, wline, wuser);
    CHILD_CHECK(st == CB_E_INVALID_ARGUMENT, "child: cb_drop_keyboard_w returns -1", st);
    st = cb_set_option_w(en, CB_OPT_LOGIN, wlogin);
    CHILD_CHECK(st == CB_E_INVALID_ARGUMENT, "child: cb_set_option_w returns -1", st);
    st = cb_set_keyboard_w(en, wtext, CB_KEYBOARD_ROWS);
    CHILD_CHECK(st == CB_E_INVALID_ARGUMENT, "child: cb_set_keyboard_w returns -1", st);
    st = cb_send_w(NULL, wlogin, wlogin, wline, wuser, wtext, NULL, 0, wbuf, 512);
    units = utf8_to_utf16(FORK_RU, expected_w);
    CHILD_CHECK(st == CB_E_INVALID_ARGUMENT && memcmp(wbuf, expected_w, (units + 1) * 2) == 0,
                "child: cb_send_w returns -1 with the fork text", st);
    st = cb_status_text_w(200, NULL, wbuf, 512);
    CHILD_CHECK(st == CB_E_INVALID_ARGUMENT && memcmp(wbuf, expected_w, (units + 1) * 2) == 0,
                "child: cb_status_text_w returns -1 with the fork text", st);
    CHILD_CHECK(cb_sender_create() == NULL, "child: cb_sender_create returns NULL", 0);
    buf[0] = 'x';
    st = cb_send("http://127.0.0.1:1", "a", "b", line, USER, "x", NULL, 0, buf, (int)sizeof buf);
    CHILD_CHECK(st == CB_E_INVALID_ARGUMENT && strcmp(buf, FORK_RU) == 0, "child: cb_send returns -1 with the fork text", st);
    st = cb_status_text(200, "en", buf, (int)sizeof buf);
    CHILD_CHECK(st == CB_E_INVALID_ARGUMENT && strcmp(buf, FORK_RU) == 0, "child: cb_status_text returns -1 with the fork text", st);
    st = cb_version_number();
    CHILD_CHECK(st == CB_VERSION_NUMBER, "child: cb_version_number still answers", st);
    const char *v = cb_version();
    CHILD_CHECK(v != NULL && v[0] >= '0' && v[0] <= '9', "child: cb_version still answers", 0);
    cb_sender_destroy(ru);   /* does nothing in the child: the handle is the parent's */
    CHILD_CHECK(1, "child: cb_sender_destroy returns", 0);
    return failures;
}

int main(void)
{
    const char *base = getenv("CB_TEST_BASE_URL"), *login = getenv("CB_TEST_LOGIN");
    const char *password = getenv("CB_TEST_PASSWORD"), *line = getenv("CB_TEST_LINE");
    if (!base || !login || !password || !line) {
        fprintf(stderr, "set CB_TEST_BASE_URL, CB_TEST_LOGIN, CB_TEST_PASSWORD, CB_TEST_LINE\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    int port = atoi(strrchr(base, ':') + 1);

    /* A fork before this process ever called the library: the child is a process of its own and may use it. */
    pid_t early = fork();
    if (early < 0) { perror("fork"); return 1; }
    if (early == 0) {
        alarm(20);
        char err[512];
        int st0 = cb_send(base, login, password, line, USER, "дочерний процесс до первого вызова", NULL, 0, err, (int)sizeof err);
        _exit(st0 == 200 && err[0] == 0 ? 0 : 1);
    }
    int early_status = 0;
    waitpid(early, &early_status, 0);
    check(WIFEXITED(early_status) && WEXITSTATUS(early_status) == 0,
          "a child forked before the parent's first call uses the library (cb_send -> 200)",
          WIFEXITED(early_status) ? WEXITSTATUS(early_status) : -WTERMSIG(early_status));

    cb_sender *ru = cb_sender_create(), *en = cb_sender_create();
    cb_sender *senders[] = { ru, en };
    for (int i = 0; i < 2; i++) {
        cb_set_option(senders[i], CB_OPT_BASE_URL, base);
        cb_set_option(senders[i], CB_OPT_LOGIN, login);
        cb_set_option(senders[i], CB_OPT_PASSWORD, password);
        cb_set_option(senders[i], CB_OPT_TIMEOUT_MS, "3000");
    }
    cb_set_option(en, CB_OPT_LANGUAGE, "en");
    int st = cb_send_message(ru, line, USER, "до fork");
    check(st == 200, "parent: send before fork", st);

    int before = emulator_requests(port);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) _exit(child(ru, en, line) == 0 ? 0 : 1);

    int wstatus = 0;
    waitpid(pid, &wstatus, 0);
    if (WIFSIGNALED(wstatus))
        check(0, WTERMSIG(wstatus) == SIGALRM ? "child hung (ended by alarm after 10 s)" : "child killed by a signal", WTERMSIG(wstatus));
    else
        check(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0, "child: every call refused with the fork text", WEXITSTATUS(wstatus));
    check(emulator_requests(port) == before, "the child sent nothing (emulator request count unchanged)", before);
    st = cb_send_message(ru, line, USER, "после fork");
    check(st == 200, "parent: still sends after the fork", st);
    cb_sender_destroy(ru);
    cb_sender_destroy(en);
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}
