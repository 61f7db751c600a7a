/*
 * first_call.c -- a program that makes its FIRST call to connect_bridge.dll (load, runtime start, one send) at a
 * moment the test chooses, so that several processes do it at once (as the many rphost processes of a 1C cluster
 * start). Usage:
 *   first_call.exe wait <dll path> <base url> <line> <user>   waits (at most 120 s) for the named event
 *                                                             Local\cb-first-call, then loads and sends; prints
 *                                                             "status <n> <ms from the event to the send returned>"
 *   first_call.exe go                                         sets the event (it must already exist)
 *   first_call.exe now <dll path> <base url> <line> <user>    no waiting: for timing process start -> first send
 * Login and password from CB_TEST_LOGIN / CB_TEST_PASSWORD. Exit 0 when the send returned 2xx.
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

int main(int argc, char **argv)
{
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
