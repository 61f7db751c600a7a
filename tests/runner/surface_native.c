/*
 * The native surface of the runner core (runner.h): connect_bridge.h's functions called directly. Built against
 * libconnect_bridge.so by ./build.sh test native and against the Windows connect_bridge.dll by ./build.sh test winaot.
 * A step whose values are UTF-16 calls the _w twin. The error text is read both ways: cb_last_error must return
 * its size + 1 and give the UTF-8 of what cb_last_error_w gives (which must return its length + 1); the core then
 * compares that text with the expected one. The corpus's one-call cases also run through cb_send / cb_send_w.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connect_bridge.h"
#include "runner.h"

static const char *narrow(const struct rn_value *v) { return v->is_null ? NULL : (const char *)v->data; }
static const uint16_t *wide(const struct rn_value *v) { return v->is_null ? NULL : (const uint16_t *)v->data; }

static int has_nul(const struct rn_step *st)
{
    for (int k = 0; k < st->nargs; k++) {
        const struct rn_value *v = &st->args[k];
        if (v->is_null) continue;
        for (size_t i = 0; i < v->len; i++)
            if (st->wide ? ((const uint16_t *)v->data)[i] == 0 : ((const unsigned char *)v->data)[i] == 0) return 1;
    }
    return 0;
}

static void *create(struct rn_report *r)
{
    cb_sender *s = cb_sender_create();
    if (!s) rn_problem(r, "cb_sender_create returned NULL");
    return s;
}

static void destroy(void *s) { cb_sender_destroy((cb_sender *)s); }

static int step(void *obj, const struct rn_step *st, struct rn_report *r)
{
    cb_sender *s = (cb_sender *)obj;
    const struct rn_value *a = st->args;
    if (has_nul(st)) { rn_problem(r, "a value with U+0000 cannot be passed as a C string"); return RN_BROKEN; }
    switch (st->kind) {
    case 'O': return st->wide ? cb_set_option_w(s, st->number, wide(&a[0])) : cb_set_option(s, st->number, narrow(&a[0]));
    case 'K': return st->wide ? cb_set_keyboard_w(s, wide(&a[0]), st->number) : cb_set_keyboard(s, narrow(&a[0]), st->number);
    case 'M': return st->wide ? cb_send_message_w(s, wide(&a[0]), wide(&a[1]), wide(&a[2]))
                              : cb_send_message(s, narrow(&a[0]), narrow(&a[1]), narrow(&a[2]));
    case 'D': return st->wide ? cb_drop_keyboard_w(s, wide(&a[0]), wide(&a[1])) : cb_drop_keyboard(s, narrow(&a[0]), narrow(&a[1]));
    }
    rn_problem(r, "unknown step %c", st->kind);
    return RN_BROKEN;
}

static int last_status(void *s) { return cb_last_status((cb_sender *)s); }

static uint16_t *last_error(void *obj, struct rn_report *r, size_t *len)
{
    cb_sender *s = (cb_sender *)obj;
    int needed = cb_last_error(s, NULL, 0);
    char *text = malloc(needed > 0 ? (size_t)needed : 1);
    int got = needed > 0 ? cb_last_error(s, text, needed) : -1;
    if (needed < 1 || got != needed || strlen(text) + 1 != (size_t)needed) {
        rn_problem(r, "cb_last_error returned %d then %d", needed, got);
        text[0] = 0;
    }
    int needed16 = cb_last_error_w(s, NULL, 0);
    uint16_t *text16 = malloc((needed16 > 0 ? (size_t)needed16 : 1) * sizeof *text16);
    int got16 = needed16 > 0 ? cb_last_error_w(s, text16, needed16) : -1;
    size_t n = 0;
    while (needed16 > 0 && n < (size_t)needed16 && text16[n]) n++;
    if (needed16 < 1 || got16 != needed16 || n + 1 != (size_t)needed16) {
        rn_problem(r, "cb_last_error_w returned %d then %d (length %lu)", needed16, got16, (unsigned long)n);
        n = 0;
    }
    char *again = rn_utf8(text16, n);
    if (strcmp(again, text) != 0) rn_problem(r, "cb_last_error and cb_last_error_w give different texts");
    free(again);
    free(text);
    *len = n;
    return text16;
}

/* cb_send / cb_send_w: base URL, login and password as given; Russian. The buffer must come back terminated. */
static int one_shot(const struct rn_step *keyboard, const struct rn_step *send, const char *base, const char *login,
                    const char *password, struct rn_report *r, uint16_t **text, size_t *len)
{
    enum { BUF = 8192 };
    const struct rn_value *a = send->args, *k = keyboard ? &keyboard->args[0] : NULL;
    int format = keyboard ? keyboard->number : 0, status, terminated = 0;
    if (has_nul(send) || (keyboard && has_nul(keyboard))) { rn_problem(r, "a value with U+0000"); return RN_BROKEN; }
    if (!send->wide) {
        char *buf = malloc(BUF);
        memset(buf, 'x', BUF);
        status = cb_send(base, login, password, narrow(&a[0]), narrow(&a[1]), narrow(&a[2]), k ? narrow(k) : NULL, format, buf, BUF);
        terminated = memchr(buf, 0, BUF) != NULL;
        buf[BUF - 1] = 0;
        *text = rn_utf16(buf, len);
        if (!*text) rn_problem(r, "cb_send gave invalid UTF-8");
        free(buf);
    } else {
        uint16_t *b = rn_utf16(base, NULL), *l = rn_utf16(login, NULL), *p = rn_utf16(password, NULL);
        uint16_t *buf = malloc(BUF * sizeof *buf);
        for (int i = 0; i < BUF; i++) buf[i] = 'x';
        status = cb_send_w(b, l, p, wide(&a[0]), wide(&a[1]), wide(&a[2]), k ? wide(k) : NULL, format, buf, BUF);
        for (*len = 0; *len < BUF && buf[*len]; (*len)++) {}
        terminated = *len < BUF;
        if (!terminated) *len = 0;
        *text = buf;
        free(b); free(l); free(p);
    }
    if (!terminated) rn_problem(r, "%s left its error buffer unterminated", send->wide ? "cb_send_w" : "cb_send");
    return status;
}

static int start(void)
{
    printf("# native: library %s\n", cb_version());
    return 0;
}

static const struct rn_surface native = { "native", "native", start, create, destroy, step, last_status, last_error, one_shot };

int main(int argc, char **argv) { return rn_main(&native, argc, argv); }
