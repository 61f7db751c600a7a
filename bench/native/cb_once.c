/*
** cb_once.c -- cold start of the native library: load libconnect_bridge.so, send one message, exit.
** Exit code 0 when the server answered 2xx. See bench_common.h for the environment.
**
**   cb_once              the measured case: create a sender, set the options and keyboard, send, destroy
**   cb_once --load-only  only loads the library and calls cb_version (the runtime start-up share of the above)
*/
#include <string.h>

#include "bench_common.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--load-only") == 0) return cb_version()[0] ? 0 : 1;
    struct bench_msg m = bench_msg_from_env();
    cb_sender *s = bench_sender(&m);
    int ok = bench_send(s, &m);
    cb_sender_destroy(s);
    return ok ? 0 : 1;
}
