// JScript loop for bench/wine/run.sh: Connect.Bridge.Sender from cscript (32- or 64-bit), the bench message.
// Usage: cscript //nologo bench.js URL first|seq [N WARMUP]   (BENCH_LOGIN / BENCH_PASSWORD from the environment)
// Prints one "result ..." line (times from Date: milliseconds; epoch_ms is the host's clock).
var args = WScript.Arguments;
var env = new ActiveXObject("WScript.Shell").Environment("PROCESS");
var line = "3f2b8c1e-6a4d-4e5f-9b7a-1c2d3e4f5a6b", user = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
// "Здравствуйте! Это сообщение бенчмарка." (\u escapes: Wine reads scripts in the ANSI code page)
var text = "\u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439\u0442\u0435! \u042d\u0442\u043e " +
    "\u0441\u043e\u043e\u0431\u0449\u0435\u043d\u0438\u0435 \u0431\u0435\u043d\u0447\u043c\u0430\u0440\u043a\u0430.";
function create() {
    var s = new ActiveXObject("Connect.Bridge.Sender");
    s.BaseUrl = args(0);
    s.Login = env("BENCH_LOGIN");
    s.Password = env("BENCH_PASSWORD");
    s.Language = "en";
    s.AddKeyboardRow("\u0414\u0430|\u041d\u0435\u0442|\u041d\u0435 \u0437\u043d\u0430\u044e");
    s.AddKeyboardRow("\u041f\u043e\u0437\u0432\u0430\u0442\u044c \u043e\u043f\u0435\u0440\u0430\u0442\u043e\u0440\u0430|\u041e\u0442\u043c\u0435\u043d\u0430");
    return s;
}
var failed = 0, t0 = new Date().getTime(), s = create(), t1 = new Date().getTime();
if (args(1) == "first") {
    if (s.Send(line, user, text) != 200) failed++;
    var t2 = new Date().getTime();
    WScript.Echo("result mode=first failed=" + failed + " epoch_ms=" + t2 + " create_ms=" + (t1 - t0) + " first_send_ms=" + (t2 - t1));
} else {
    var n = parseInt(args(2), 10), warm = parseInt(args(3), 10), i;
    for (i = 0; i < warm; i++) if (s.Send(line, user, text) != 200) failed++;
    var a = new Date().getTime();
    for (i = 0; i < n; i++) if (s.Send(line, user, text) != 200) failed++;
    var dt = new Date().getTime() - a;
    WScript.Echo("result mode=seq sent=" + n + " failed=" + failed + " us_per_call=" + (dt * 1000 / n).toFixed(1) +
        " msgs_per_s=" + (n * 1000 / dt).toFixed(1));
}
WScript.Quit(failed ? 1 : 0);
