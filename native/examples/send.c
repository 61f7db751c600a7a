/*
** send.c -- send one message to a 1C-Connect support-line chat with Connect.Bridge.
**
** Build (Linux; <dir> holds libconnect_bridge.so and connect_bridge.h, e.g. artifacts/native/linux-x64):
**     gcc send.c -I<dir> -L<dir> -lconnect_bridge -Wl,-rpath,<dir> -o send
** Windows (MSVC): cl send.c /I<dir> <dir>\connect_bridge.lib (the import library the NativeAOT link
**                 writes beside connect_bridge.dll), or load the DLL with LoadLibrary/GetProcAddress.
**
** By default it talks to the local emulator (`connect-bridge emulator`: http://127.0.0.1:8080, login
** "bot", password "secret"), so it needs no account and no network:
**     ./send [base_url [line_id user_id]]
*/
#include <stdio.h>

#include "connect_bridge.h"

int main(int argc, char **argv)
{
    const char *base_url = argc > 1 ? argv[1] : "http://127.0.0.1:8080";
    const char *line_id = argc > 3 ? argv[2] : "5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44";
    const char *user_id = argc > 3 ? argv[3] : "df4cca69-ce40-472e-9083-af9b279c72cc";

    cb_sender *s = cb_sender_create();
    cb_set_option(s, CB_OPT_BASE_URL, base_url);
    cb_set_option(s, CB_OPT_LOGIN, "bot");
    cb_set_option(s, CB_OPT_PASSWORD, "secret");
    cb_set_keyboard(s, "Да|Нет\nПозвать оператора", CB_KEYBOARD_ROWS);   /* optional */

    int status = cb_send_message(s, line_id, user_id, "Здравствуйте! Чем можем помочь?");
    if (CB_SUCCEEDED(status)) {
        printf("sent: HTTP %d\n", status);
    } else {
        char error[512];
        cb_last_error(s, error, sizeof error);   /* truncated safely if longer */
        fprintf(stderr, "not sent: %d: %s\n", status, error);
    }
    cb_sender_destroy(s);
    return CB_SUCCEEDED(status) ? 0 : 1;
}
