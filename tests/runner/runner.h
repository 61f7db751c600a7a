/*
 * The one runner core of the C-level harnesses (tests/runner/runner.c): the bad-input corpus (tests/corpus, flattened
 * by tests/runner/corpus_flatten.py) and the fault matrix (the fault server's manifest: tests/Connect.Bridge.IntegrationTests/Infrastructure/FaultServer.cs), run through a surface given
 * as a table of calls. A surface is a few functions that translate a step into its calls and read the outcome back:
 *   - native (surface_native.c): cb_* directly, the _w twins, cb_send; Linux .so and the Windows DLL (tests/winaot);
 *   - com (surface_com.c): Connect.Bridge.Sender through IDispatch by name, under Wine, both bitnesses;
 *   - addin (tests/addin/host.cpp): the 1C Native API add-in through its vtables, as 1C calls it.
 * Every check (step, status, exact text, request count, password) is made here, once, for every surface.
 *
 *   runner corpus FLAT-FILE BASE-URL        every case listing the surface, in ru and en, against the emulator
 *   runner faults MANIFEST [REPORT.md]      every fault row, in ru and en, against the fault server
 * Environment: CB_TEST_LOGIN, CB_TEST_PASSWORD (never printed). Output: "PASS <case>" / "FAIL <case> [lang]: ...",
 * "N/A ..." for what a surface cannot observe, "# ..." information, "running ..." progress on stderr, and the last
 * line "N passed, N failed" (corpus cases, each in ru and en; or fault runs, one per row and language). Exit 0 when
 * all passed, 1 on a failure, 2 on a usage or setup error, 3 when a call did not return in time (the watchdog).
 */
#ifndef CONNECT_BRIDGE_RUNNER_H
#define CONNECT_BRIDGE_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RN_BROKEN (-100000) /* a step the surface could not make at all (its problem is in the report) */

/* A decoded value: NULL, or a NUL-terminated string of bytes (narrow) or UTF-16 code units (wide). */
struct rn_value {
    int is_null, wide;
    size_t len;  /* units, without the terminator */
    void *data;  /* unsigned char[len + 1] or uint16_t[len + 1] */
};

/* A step: O option (number = id), K keyboard (number = format), M send (line, user, text), D drop_keyboard. */
struct rn_step {
    char kind;
    int wide, number, nargs;
    struct rn_value args[3];
};

/* The problems of one run, as one line. */
struct rn_report { char buf[8192]; size_t len; int problems; };
void rn_problem(struct rn_report *r, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 2, 3)))
#endif
    ;

struct rn_surface {
    const char *name;     /* the corpus's surface name the cases must list: "native" or "com" */
    const char *title;    /* for output: "native", "COM", "add-in" */
    int (*start)(void);   /* once, before anything: 0, or nonzero when the surface cannot run */
    void *(*create)(struct rn_report *r);  /* a fresh object; NULL with a problem when it cannot be made */
    void (*destroy)(void *obj);
    /* One step; returns the status (0 for a setter that took the value, the HTTP status or a negative code for a
       call), or RN_BROKEN when the step could not be made (a problem is reported). */
    int (*step)(void *obj, const struct rn_step *st, struct rn_report *r);
    int (*last_status)(void *obj);
    /* The last error text as UTF-16 (malloc'd, *len units); the surface checks its own buffer rules and reports. */
    uint16_t *(*last_error)(void *obj, struct rn_report *r, size_t *len);
    /* Optional (NULL): the case as one call (native: cb_send / cb_send_w, Russian); returns the status and the text. */
    int (*one_shot)(const struct rn_step *keyboard, const struct rn_step *send, const char *base, const char *login,
                    const char *password, struct rn_report *r, uint16_t **text, size_t *len);
};

/* Option id -> COM / add-in string property (NULL when there is none); keyboard format -> property. */
const char *rn_com_property(int option_id);
const char *rn_keyboard_property(int format);

/* The option ids the fault matrix sets as numbers (CB_OPT_TIMEOUT_MS, CB_OPT_MAX_RETRIES, CB_OPT_RETRY_DELAY_MS). */
#define RN_OPT_TIMEOUT_MS 4
#define RN_OPT_MAX_RETRIES 11
#define RN_OPT_RETRY_DELAY_MS 15

/* A number option step as COM and the add-in take it: the property, and the value as a whole number (VT_I4) when it
   is one, else as a fraction (VT_R8). Milliseconds become seconds (TimeoutSeconds, RetryDelaySeconds), retries stay a
   count (MaxRetries). */
struct rn_number { const char *property; int whole; long integer; double fraction; };
/* Fills *n and returns 1 for a narrow option step of those ids; returns 0 for any other step. */
int rn_com_number(const struct rn_step *st, struct rn_number *n);

/* UTF-8 -> UTF-16 (malloc'd, *len units; NULL when the UTF-8 is invalid) and back (lone surrogates -> U+FFFD). */
uint16_t *rn_utf16(const char *utf8, size_t *len);
char *rn_utf8(const uint16_t *s, size_t n);

/* Runs the command line above through the surface; returns the exit code. */
int rn_main(const struct rn_surface *s, int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif
