// JScript client for Connect.Bridge.Sender, run by ./build.sh test com through `wine cscript`.
// Usage: cscript //nologo send.js BASE_URL LINE USER   (credentials from the CB_LOGIN / CB_PASSWORD environment variables)
// Prints "PASS ..." / "FAIL ..." lines (ASCII only: Wine's console may not carry Cyrillic), then "N passed, N failed".
// Cyrillic is written as \u escapes: Wine reads script files in the ANSI code page.
var args = WScript.Arguments;
var env = new ActiveXObject("WScript.Shell").Environment("PROCESS");  // (Wine's ExpandEnvironmentStrings keeps the NUL)
var failures = 0, passes = 0;
function check(ok, name, detail) {
    WScript.Echo((ok ? "PASS " : "FAIL ") + "jscript: " + name + (ok || !detail ? "" : ": " + detail));
    if (ok) passes++; else failures++;
}

var s = new ActiveXObject("Connect.Bridge.Sender");
s.BaseUrl = args(0);
s.Login = env("CB_LOGIN");
s.Password = env("CB_PASSWORD");
s.MaxRetries = 0;
s.AddKeyboardRow("\u0414\u0430|\u041d\u0435\u0442");  // Да|Нет

// A basic send, as 1C code would do it: the emulator must record the Cyrillic text and the keyboard.
var status = s.Send(args(1), args(2), "\u041f\u0440\u0438\u0432\u0435\u0442 \u0438\u0437 JScript");  // Привет из JScript
check(status == 200 && s.IsSuccess && s.LastErrorText == "", "Send returns 200", "status=" + status + " (" + s.LastErrorText.length + " chars of error text)");
check(s.KeyboardRows.replace(/\s*\|\s*/g, "|") == "\u0414\u0430|\u041d\u0435\u0442", "KeyboardRows reads back the Cyrillic row");

// A number where a string is expected: -1, not a script error.
status = s.Send(12345, args(2), "x");
check(status == -1 && s.LastStatusCode == -1 && s.LastErrorText != "", "Send(number, ...) returns -1", "status=" + status);

// ThrowOnError: a catchable error whose description is the error text.
s.ThrowOnError = true;
var caught = null;
try {
    s.Send("not-a-uuid", args(2), "x");
} catch (e) {
    caught = e;
}
check(caught != null && caught.description == s.LastErrorText && caught.description.length > 0 && s.LastStatusCode == -1,
      "ThrowOnError raises an error whose description is LastErrorText",
      caught == null ? "nothing thrown" : "number=" + caught.number);
s.ThrowOnError = false;

WScript.Echo(passes + " passed, " + failures + " failed");
WScript.Quit(failures == 0 ? 0 : 1);
