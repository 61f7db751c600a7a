/*
** connect_bridge.h -- the C interface of Connect.Bridge.
**
** Connect.Bridge sends messages into 1C-Connect support-line chats on behalf
** of a bot (SendMessageLine) and removes keyboards (DropKeyboard), over the
** 1C-Connect HTTP API (https://push.1c-connect.com).  This header is the
** whole contract of the native library:
**
**     Linux    libconnect_bridge.so
**     Windows  connect_bridge.dll      (win-x64 and win-x86)
**
** Both are NativeAOT builds of the same managed source and self-contained:
** the calling machine needs no .NET installation, no registry entry, no
** environment variable and no file beside the library, and loading it
** writes nothing anywhere.  connect_bridge.dll is cross-built on Linux
** (./build.sh native, native/winaot) or built on Windows (build.cmd native).
** C, C++, Delphi, Free Pascal and any other host that can
** call C functions may use it; native/delphi/ConnectBridge.pas is the Pascal
** twin of this file.
**
** A typical program:
**
**     cb_sender *s = cb_sender_create();
**     cb_set_option(s, CB_OPT_LOGIN, "bot-login");
**     cb_set_option(s, CB_OPT_PASSWORD, "bot-password");
**     int status = cb_send_message(s, line_id, user_id, "Здравствуйте!");
**     if (!CB_SUCCEEDED(status)) {
**         char err[512];
**         cb_last_error(s, err, sizeof err);
**         fprintf(stderr, "%d: %s\n", status, err);
**     }
**     cb_sender_destroy(s);
**
** STRINGS.  Every string is NUL-terminated.  The plain functions take UTF-8
** (const char*); the functions whose names end in "_w" take UTF-16
** (const uint16_t*: wchar_t on Windows, PWideChar in Delphi).  A string that
** is not valid UTF-8 (or, for the _w twins, UTF-16 with an unpaired
** surrogate) is refused with CB_E_INVALID_ARGUMENT; nothing is sent.
** The library keeps its own copies: the caller's strings may be freed or
** reused as soon as a call returns.
**
** STATUS CODES.  cb_send_message, cb_drop_keyboard and cb_send return the
** HTTP status when the server answered (200..299 is success; 400, 401, 403
** and others are the server's refusals), or one of the negative CB_E_* codes
** when it did not.  The setters return CB_OK (0) or CB_E_INVALID_ARGUMENT.
** CB_SUCCEEDED(status) is true for CB_OK and for 2xx, so setters and sends
** are tested alike.  The error text of every failure is one line a person can
** act on, in Russian by default (see CB_OPT_LANGUAGE).  It never contains the
** password.  cb_status_text gives the generic meaning of any code, with no
** sender.
**
** ERROR TEXT BUFFERS.  cb_last_error, cb_status_text, cb_send and their _w
** twins copy a text into a buffer supplied by the caller, by these rules:
**   - the return value (for cb_last_error* and cb_status_text*) is the size
**     needed to hold the
**     whole text including its terminating NUL: in bytes for UTF-8, in
**     UTF-16 code units for the _w twins.  After a success the text is empty
**     and the size needed is 1;
**   - a buffer that is too small receives as much as fits.  A UTF-8 sequence
**     or a UTF-16 surrogate pair is never split: the copy stops before it;
**   - whenever the buffer size is greater than 0 the copy is NUL-terminated;
**   - a size of 0 copies nothing (the buffer may then be NULL): use it to
**     ask for the size needed;
**   - a negative size, or a NULL buffer with a size greater than 0, is an
**     invalid argument (CB_E_INVALID_ARGUMENT).
**
** MEMORY.  No memory crosses the boundary except the sender handle (released
** with cb_sender_destroy) and the static string of cb_version.  The library
** never frees what the caller allocated and the caller never frees what the
** library returns.
**
** THREADING.  Calls on one sender from several threads at once are
** serialized: each waits for the call before it (so a send may wait up to
** the other call's timeout); a sender may move between threads.  Different
** senders run on different threads at the same time.  All senders share one process-wide HTTP connection pool, so
** keep-alive connections are reused across calls and across senders.
** cb_version, cb_version_number, cb_status_text and cb_send may be called
** from any thread at any time.
**
** Threads and fork().  Use the library only in the process that loaded it.
** Its runtime runs threads of its own (thread pool, socket engine, garbage
** collector), and fork() copies none of them, so a call in a forked child
** would wait for them forever.  Every function therefore first compares the
** process id with the one recorded at the first call into the library (one
** getpid(); no lock, no allocation), and in a forked child of a process that
** already used the library it returns at once: sends, drops and setters
** return CB_E_INVALID_ARGUMENT and send nothing, cb_last_status returns
** CB_E_INVALID_ARGUMENT, cb_last_error copies a text saying to use the
** library only in the process that loaded it and, in a child, to exec first
** (in the sender's language), cb_send and cb_status_text copy that text (in
** Russian) and return CB_E_INVALID_ARGUMENT, cb_sender_create returns NULL
** and cb_sender_destroy does nothing; cb_version and cb_version_number still
** answer.  A child that needs the library must exec() a program that loads
** it afresh; a child of a process that had loaded the library but never
** called it may use it.
** What cannot be guaranteed: the entry into the library itself goes through
** the runtime, so a fork() taken while another thread of the parent was
** inside the runtime holding one of its locks (a garbage collection, a
** thread starting) may still hang the child at its first call, before the
** check can run.  Fork only from a single-threaded state, or exec at once.
**
** UNLOADING.  The library cannot be unloaded: its runtime threads keep
** running code of the image.  It is linked with -z nodelete, so dlclose() is
** harmless (the library stays mapped and keeps its state) and a later
** dlopen() returns the same instance.  On Windows, do not call FreeLibrary on
** it; it stays loaded until the process ends.
**
** SIGNALS.  The first call into the library starts its runtime, which
** changes process-wide signal state (measured on Linux x64): SIGPIPE is set
** to SIG_IGN, replacing whatever the host had installed (a write to a closed
** socket then fails with EPIPE instead of killing the process); handlers are
** installed for SIGSEGV and SIGFPE (faults in the library's own code become
** errors; other faults are passed on to the handler that was installed
** before) and for SIGRTMIN (the runtime uses it to interrupt its threads).
** SIGINT, SIGTERM, SIGCHLD and the signal mask are left alone.  A host that
** needs its own SIGPIPE handler installs it again after the first call.
**
** ABI POLICY.  Within one major version (CB_VERSION_MAJOR) the interface
** only grows: functions, option ids (CB_OPT_*), status codes (CB_E_*) and
** keyboard formats are only ever added, never renumbered, removed or given
** another meaning, and existing signatures and calling conventions stay as
** they are, so a program built against an older header of the same major
** version runs with a newer library.  A new minor version adds; a new patch
** version only fixes.  Check cb_version_number() >= the CB_VERSION_NUMBER you
** need before calling functions added after the first release of a major
** version.  A new major version is the only place where anything may be
** removed or changed incompatibly.  Error texts are for people and may be
** reworded in any version: test the status, never the text.
**
** ROBUSTNESS.  No function lets an exception or a crash escape.  NULL
** handles, NULL or badly encoded strings, unknown option ids and negative
** buffer sizes give CB_E_INVALID_ARGUMENT and an error text.  Passing a
** pointer that is not a live handle (for example one already destroyed) is
** undefined behaviour, as it is for any C library.
**
** FLOATING POINT.  Every function saves the caller's floating-point
** environment, runs with all FP exceptions masked, and restores the
** environment (mask and flags) before returning, so it works whatever mask
** the caller uses: Delphi and Free Pascal unmask invalid-operation,
** zero-divide and overflow by default, and a C host may unmask all of them
** with feenableexcept.  One exception to this: the very first call into the
** library also starts its runtime, and that one-time step needs FE_INEXACT
** masked, as it is by default in C, C++, Delphi and Free Pascal.  A host
** that unmasks FE_INEXACT must make its first call (cb_version() will do)
** before doing so.
*/
#ifndef CONNECT_BRIDGE_H
#define CONNECT_BRIDGE_H

#include <stdint.h>

/*
** CB_CALL is the calling convention of every function: __stdcall on 32-bit
** Windows (the convention of the Windows API, and what Delphi calls
** "stdcall"), the platform's C convention everywhere else.  Names are
** exported undecorated on every platform.
*/
#if defined(_WIN32) && !defined(_WIN64)
#  define CB_CALL __stdcall
#else
#  define CB_CALL
#endif

/*
** CB_API marks the functions as imported from the shared library
** (__declspec(dllimport) on Windows).  Define CB_NO_DLLIMPORT before
** including this header to get plain declarations, for example when the
** functions are looked up at run time with dlsym / GetProcAddress and only
** the types and constants are needed.
*/
#if defined(CB_NO_DLLIMPORT)
#  define CB_API
#elif defined(_WIN32)
#  define CB_API __declspec(dllimport)
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define CB_API __attribute__((visibility("default")))
#else
#  define CB_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
** The version of this header, from the project's one version
** (Directory.Build.props; a test checks that they agree).  CB_VERSION_NUMBER
** is encoded as SQLite does: major * 1000000 + minor * 1000 + patch.
** cb_version() and cb_version_number() give the library's at run time.
*/
#define CB_VERSION_MAJOR  1
#define CB_VERSION_MINOR  0
#define CB_VERSION_PATCH  0
#define CB_VERSION_NUMBER 1000000

/*
** CB_OK: a setter accepted its value.  CB_SUCCEEDED(status): true for CB_OK
** and for any 2xx HTTP status, so one test covers setters and sends.
*/
#define CB_OK 0
#define CB_SUCCEEDED(status) ((status) == CB_OK || ((status) >= 200 && (status) <= 299))

/*
** Negative status codes.  Anything >= 0 returned by a send is an HTTP status.
*/
#define CB_E_INVALID_ARGUMENT  (-1) /* refused before sending: bad id, empty
                                       text, bad keyboard, bad option, NULL
                                       handle, bad encoding, a call in a
                                       forked child... Nothing sent. */
#define CB_E_CONNECTION_FAILED (-2) /* no connection: DNS, refused, unreachable,
                                       proxy.  Not delivered. */
#define CB_E_TIMEOUT           (-3) /* no answer in time.  Delivery unknown. */
#define CB_E_TLS_FAILURE       (-4) /* TLS or certificate failure.  Not
                                       delivered. */
#define CB_E_INTERNAL          (-5) /* unexpected failure inside the library. */

/*
** Option ids for cb_set_option.  Every value is passed as text.
*/
#define CB_OPT_BASE_URL             1  /* default "https://push.1c-connect.com" */
#define CB_OPT_LOGIN                2
#define CB_OPT_PASSWORD             3  /* never echoed in any error text */
#define CB_OPT_TIMEOUT_MS           4  /* decimal milliseconds for the whole call,
                                          retries included; default "30000" */
#define CB_OPT_LANGUAGE             5  /* error texts: "ru" (default) or "en" */
#define CB_OPT_AUTHOR_ID            6  /* UUID of the specialist, "" clears */
#define CB_OPT_GENERAL_SETTINGS     7  /* "1" / "0"; "" omits the field */
#define CB_OPT_PROXY_URL            8  /* default: the system proxy */
#define CB_OPT_PROXY_LOGIN          9
#define CB_OPT_PROXY_PASSWORD      10
#define CB_OPT_MAX_RETRIES         11  /* decimal; default "2", "0" disables */
#define CB_OPT_ALLOW_INSECURE_HTTP 12  /* "1" allows http:// to non-loopback
                                          hosts; default "0" */
#define CB_OPT_LOG_FILE            13  /* file path: appends one UTF-8 line per HTTP attempt (no password); "" off.
                                          Never blocks the caller: a path that is not a regular file (a FIFO, a
                                          directory, a device such as /dev/full or NUL, a socket) is refused with
                                          CB_E_INVALID_ARGUMENT and a text naming what it is, without opening it.
                                          Lines are written by a thread of the library, one writer per file; a
                                          line that cannot be written (disk full, read-only, the path replaced,
                                          the writer stuck, over 1000 waiting) is dropped and counted, never
                                          waited on, and the send's result is the same as without a log file.
                                          When writing works again, a line says how many were dropped.
                                          cb_sender_destroy waits up to 1 s for lines still being written. */
#define CB_OPT_PROXY_USE_DEFAULT_CREDENTIALS 14 /* "1": authenticate to the proxy (CB_OPT_PROXY_URL or the
                                          system proxy) with the Windows logon of the process (NTLM/
                                          Kerberos); CB_OPT_PROXY_LOGIN wins when set; default "0" */
#define CB_OPT_RETRY_DELAY_MS      15  /* decimal whole milliseconds, "10".."30000";
                                          default "250".  The wait before the first retry; each further
                                          retry waits twice the one before (up to 30000 ms), every wait
                                          varied by +-25 % at random so that clients do not retry in step.
                                          A server's Retry-After that asks for longer wins (never less
                                          than 10 ms).  Only failures that certainly delivered nothing are
                                          retried (see CB_OPT_MAX_RETRIES); CB_OPT_TIMEOUT_MS still ends
                                          the whole call, a wait included: the last failure is returned. */

/*
** Keyboard text formats for cb_set_keyboard and cb_send.
**
**   CB_KEYBOARD_JSON  the wire form [[{"text":"A","id":"a"},{"text":"B"}]]
**                     or the shorthand [["A","B"],["C"]] (mixed allowed);
**   CB_KEYBOARD_ROWS  one row per line (LF, CRLF or CR), buttons separated
**                     by '|', e.g. "Да|Нет\nПозвать оператора"; "\|" is a
**                     literal pipe and "\\" a backslash;
**   CB_KEYBOARD_AUTO  JSON when the first non-blank character is '[',
**                     rows otherwise.
*/
#define CB_KEYBOARD_AUTO 0
#define CB_KEYBOARD_JSON 1
#define CB_KEYBOARD_ROWS 2

/*
** An opaque sender: credentials, options and an optional keyboard, plus the
** outcome (status and error text) of the last call made on it.
*/
typedef struct cb_sender cb_sender;

/*
** cb_version -- the library version, e.g. "1.0.0".
**
** Returns a static UTF-8 string owned by the library; never NULL, never
** freed.  Any thread.
*/
CB_API const char* CB_CALL cb_version(void);

/*
** cb_version_number -- the library version as CB_VERSION_NUMBER encodes it
** (1.2.3 is 1002003).  Any thread.
*/
CB_API int CB_CALL cb_version_number(void);

/*
** cb_status_text, cb_status_text_w -- the generic meaning of a status code,
** with no sender (like sqlite3_errstr / curl_easy_strerror): CB_OK, the
** CB_E_* codes, 2xx, the HTTP statuses the library words (400, 401, 403,
** 404, 413, 429, 5xx); any other code gets the generic HTTP wording ("the
** server rejected the request"), a negative code the library does not know
** says so.  The text of a particular failure, with its details, is the
** sender's cb_last_error.
**
** language: NULL, "" or "ru" Russian, "en" English (case and surrounding
** blanks ignored, as CB_OPT_LANGUAGE); the _w twin takes it and the buffer
** as UTF-16.  The text is copied by the rules of ERROR TEXT BUFFERS.
**
** Returns the size needed including the terminating NUL (>= 1), or
** CB_E_INVALID_ARGUMENT for any other language (or a badly encoded one), a
** negative size or a NULL buffer with a size greater than 0; then nothing
** is copied.  Any thread.
*/
CB_API int CB_CALL cb_status_text  (int status, const char* language,
                                    char* buffer, int buffer_size);
CB_API int CB_CALL cb_status_text_w(int status, const uint16_t* language,
                                    uint16_t* buffer, int buffer_chars);

/*
** cb_sender_create -- a new sender with default options.
**
** Returns a handle owned by the caller, to be released with
** cb_sender_destroy.  Returns NULL only when memory is exhausted, or in a
** forked child (see THREADING).
*/
CB_API cb_sender* CB_CALL cb_sender_create(void);

/*
** cb_sender_destroy -- releases a sender.  NULL is allowed and ignored.
** The handle must not be used afterwards, nor be in use on another thread.
*/
CB_API void CB_CALL cb_sender_destroy(cb_sender* s);

/*
** cb_set_option, cb_set_option_w -- sets one option (CB_OPT_*) from text.
**
** Returns CB_OK (0) on success, CB_E_INVALID_ARGUMENT (with an error text) for a
** NULL handle, an unknown option id, a badly encoded string or a value the
** option does not accept; the option then keeps its previous value.
** A success clears the sender's last error.  What a NULL value means is up
** to the option (for text options it is the same as "").
*/
CB_API int CB_CALL cb_set_option  (cb_sender* s, int option, const char* value);
CB_API int CB_CALL cb_set_option_w(cb_sender* s, int option, const uint16_t* value);

/*
** cb_set_keyboard, cb_set_keyboard_w -- the keyboard sent with the following
** messages of this sender, parsed from text in the given format
** (CB_KEYBOARD_*).  NULL or "" clears it.
**
** Returns 0, or CB_E_INVALID_ARGUMENT with an error text naming where the
** text is wrong (row and button, or JSON position); the keyboard then stays
** as it was.
*/
CB_API int CB_CALL cb_set_keyboard  (cb_sender* s, const char* keyboard, int format);
CB_API int CB_CALL cb_set_keyboard_w(cb_sender* s, const uint16_t* keyboard, int format);

/*
** cb_send_message, cb_send_message_w -- sends text to the user of a line
** (SendMessageLine), with the sender's keyboard, author id and general
** settings if set.  line_id and user_id are UUIDs in any standard textual
** form.  Blocks until the server answers, the call fails or the timeout
** (CB_OPT_TIMEOUT_MS) expires.
**
** Returns the HTTP status (200..299 is success) or a negative CB_E_* code.
** The status and the error text stay available through cb_last_status and
** cb_last_error until the next call on this sender.
*/
CB_API int CB_CALL cb_send_message  (cb_sender* s, const char* line_id,
                                     const char* user_id, const char* text);
CB_API int CB_CALL cb_send_message_w(cb_sender* s, const uint16_t* line_id,
                                     const uint16_t* user_id, const uint16_t* text);

/*
** cb_drop_keyboard, cb_drop_keyboard_w -- removes the keyboard the user of a
** line currently sees (DropKeyboard).  Returns like cb_send_message.
*/
CB_API int CB_CALL cb_drop_keyboard  (cb_sender* s, const char* line_id,
                                      const char* user_id);
CB_API int CB_CALL cb_drop_keyboard_w(cb_sender* s, const uint16_t* line_id,
                                      const uint16_t* user_id);

/*
** cb_last_status -- the status of the last call on this sender: the value
** the last send or drop returned, or 0 / CB_E_INVALID_ARGUMENT after a
** setter.  0 for a fresh sender.  CB_E_INVALID_ARGUMENT for a NULL handle.
** It records nothing, hence the const.
*/
CB_API int CB_CALL cb_last_status(const cb_sender* s);

/*
** cb_last_error, cb_last_error_w -- copies the error text of the last call
** on this sender into buffer ("" after a success), by the rules of ERROR
** TEXT BUFFERS above: UTF-8 bytes / UTF-16 units.
**
** Returns the size needed including the terminating NUL (>= 1), or
** CB_E_INVALID_ARGUMENT for a negative size or a NULL buffer with a size
** greater than 0 (that also becomes the sender's last error, which is why
** the handle is not const).  With a NULL handle it copies the text saying
** the handle is NULL and returns its size.
*/
CB_API int CB_CALL cb_last_error  (cb_sender* s, char* buffer, int buffer_size);
CB_API int CB_CALL cb_last_error_w(cb_sender* s, uint16_t* buffer, int buffer_chars);

/*
** cb_send, cb_send_w -- one-shot: creates a sender, sends one message and
** releases it.  base_url NULL (or "") means the default service; keyboard
** NULL (or "") means no keyboard.  The error text ("" after a success) is
** copied into error_buffer by the rules of ERROR TEXT BUFFERS above; pass
** NULL and 0 to ignore it.
**
** Returns the HTTP status or a negative CB_E_* code, like cb_send_message.
** A negative error_buffer_size, or a NULL error_buffer with a size greater
** than 0, gives CB_E_INVALID_ARGUMENT and nothing is sent.  Any thread.
*/
CB_API int CB_CALL cb_send(const char* base_url, const char* login,
                           const char* password, const char* line_id,
                           const char* user_id, const char* text,
                           const char* keyboard, int keyboard_format,
                           char* error_buffer, int error_buffer_size);
CB_API int CB_CALL cb_send_w(const uint16_t* base_url, const uint16_t* login,
                             const uint16_t* password, const uint16_t* line_id,
                             const uint16_t* user_id, const uint16_t* text,
                             const uint16_t* keyboard, int keyboard_format,
                             uint16_t* error_buffer, int error_buffer_chars);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* CONNECT_BRIDGE_H */
