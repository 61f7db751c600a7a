/*
 * first_call.c -- a program that makes its FIRST call to connect_bridge.dll (load, runtime start, one send) at a
 * moment the test chooses, so that several processes do it at once (as the many rphost processes of a 1C cluster
 * start). Usage:
 *   first_call.exe wait <dll path> <base url> <line> <user>   waits (at most 120 s) for the named event
 *                                                             Local\cb-first-call, then loads and sends; prints
 *                                                             "status <n> <ms from the event to the send returned>"
 *   first_call.exe go                                         sets the event (it must already exist)
 *   first_call.exe now <dll path> <base url> <line> <user>    no waiting: for timing process start -> first send
 *   first_call.exe two <dll A> <dll B> <base url> <line> <user>
 *                                                             two copies of the DLL in one process, as two versions
 *                                                             of a component side by side: each its own module and
 *                                                             runtime; sends through A and B interleaved, then from
 *                                                             two threads at once, and a refusal through each. Prints
 *                                                             PASS/FAIL lines and "N passed, N failed".
 * Login and password from CB_TEST_LOGIN / CB_TEST_PASSWORD. Exit 0 when the send returned 2xx (two: nothing failed).
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN64
#define CB_CALL
#else
#define CB_CALL __stdcall
#endif
typedef int (CB_CALL *fn_send)(const char *, const char *, const char *, const char *, const char *, const char *,
                               const char *, int, char *, int);

static int passed, failed;
static void check(int ok, const char *what, int status, const char *error)
{
    if (ok) { printf("PASS %s\n", what); passed++; }
    else { printf("FAIL %s: status %d, \"%s\"\n", what, status, error); failed++; }
}

struct copy { fn_send send; char **argv; const char *text; int status; char error[512]; };

static int copy_send(struct copy *c, const char *line)
{
    c->error[0] = 0;
    c->status = c->send(c->argv[4], getenv("CB_TEST_LOGIN"), getenv("CB_TEST_PASSWORD"), line, c->argv[6], c->text, NULL, 0,
                        c->error, sizeof c->error);
    return c->status;
}

static DWORD WINAPI copy_thread(LPVOID arg)
{
    struct copy *c = arg;
    for (int i = 0; i < 10 && copy_send(c, c->argv[5]) == 200; i++) {}
    return 0;
}

static int two_copies(char **argv)
{
    HMODULE a = LoadLibraryA(argv[2]), b = LoadLibraryA(argv[3]);
    struct copy ca = { .argv = argv, .text = "from copy A" }, cb = { .argv = argv, .text = "from copy B" };
    ca.send = a ? (fn_send)(void (*)(void))GetProcAddress(a, "cb_send") : NULL;
    cb.send = b ? (fn_send)(void (*)(void))GetProcAddress(b, "cb_send") : NULL;
    check(ca.send && cb.send && a != b && (void *)ca.send != (void *)cb.send,
          "two copies loaded side by side: two modules, two cb_send", (int)GetLastError(), "");
    if (!ca.send || !cb.send) { printf("%d passed, %d failed\n", passed, failed); return 1; }
    for (int round = 1; round <= 2; round++) {
        copy_send(&ca, argv[5]);
        check(ca.status == 200, round == 1 ? "copy A: first send (its runtime starts) -> 200" : "copy A: after B -> 200", ca.status, ca.error);
        copy_send(&cb, argv[5]);
        check(cb.status == 200, round == 1 ? "copy B: first send (a second runtime starts) -> 200" : "copy B: after A -> 200", cb.status, cb.error);
    }
    HANDLE t[2] = { CreateThread(NULL, 0, copy_thread, &ca, 0, NULL), CreateThread(NULL, 0, copy_thread, &cb, 0, NULL) };
    DWORD waited = t[0] && t[1] ? WaitForMultipleObjects(2, t, TRUE, 120000) : WAIT_FAILED;
    check(waited == WAIT_OBJECT_0 && ca.status == 200 && cb.status == 200, "copies A and B from two threads at once: 10 sends each -> 200",
          ca.status != 200 ? ca.status : cb.status, ca.status != 200 ? ca.error : cb.error);
    copy_send(&ca, "not-a-uuid");
    char refused_a[512];
    snprintf(refused_a, sizeof refused_a, "%s", ca.error);
    copy_send(&cb, "not-a-uuid");
    check(ca.status == -1 && cb.status == -1 && refused_a[0] && strcmp(refused_a, cb.error) == 0,
          "a bad line id through each copy: -1 and the same text", cb.status, cb.error);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 7 && strcmp(argv[1], "two") == 0) return two_copies(argv);
    if (argc >= 2 && strcmp(argv[1], "go") == 0) {
        HANDLE e = OpenEventA(EVENT_MODIFY_STATE, FALSE, "Local\\cb-first-call");
        return e && SetEvent(e) ? 0 : 1;
    }
    if (argc < 6) return 2;
    if (strcmp(argv[1], "wait") == 0) {
        HANDLE e = CreateEventA(NULL, TRUE, FALSE, "Local\\cb-first-call");
        printf("ready\n");
        fflush(stdout);
        if (!e || WaitForSingleObject(e, 120000) != WAIT_OBJECT_0) return 3;
    }
    DWORD start = GetTickCount();
    HMODULE dll = LoadLibraryA(argv[2]);
    fn_send send = dll ? (fn_send)(void (*)(void))GetProcAddress(dll, "cb_send") : NULL;
    if (!send) { printf("no cb_send (error %lu)\n", GetLastError()); return 4; }
    char error[512] = "";
    const char *login = getenv("CB_TEST_LOGIN"), *password = getenv("CB_TEST_PASSWORD");
    int status = send(argv[3], login, password, argv[4], argv[5], "first call", NULL, 0, error, sizeof error);
    printf("status %d %lu ms\n", status, GetTickCount() - start);
    return status >= 200 && status < 300 ? 0 : 1;
}
