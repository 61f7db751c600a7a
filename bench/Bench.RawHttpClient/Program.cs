// The baseline a user would write by hand instead of Connect.Bridge: one HttpClient, Basic auth, the JSON body
// built per message with Utf8JsonWriter (the same bytes the library sends), POST, check the status.
// No validation, no retries, no timeout handling, no error texts.
//   Bench.RawHttpClient seq N WARMUP          one caller
//   Bench.RawHttpClient conc C N WARMUP       C tasks sharing one HttpClient, N sends in all
// Prints "result ..." for bench/run.sh; exit code 1 if any send was not 2xx.
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Connect.Bridge.Bench;

var env = new BenchEnv();
(string mode, int callers, long n, long warmup) = args switch
{
    ["seq", var n1, var w1] => ("seq", 1, long.Parse(n1), long.Parse(w1)),
    ["conc", var c2, var n2, var w2] => ("conc", int.Parse(c2), long.Parse(n2), long.Parse(w2)),
    _ => throw new ArgumentException("usage: seq N WARMUP | conc CALLERS N WARMUP"),
};

using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
http.DefaultRequestHeaders.Authorization =
    new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{env.Login}:{env.Password}")));
http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
var uri = new Uri(env.Url.TrimEnd('/') + "/v1/line/send/message/");
var contentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");
// The keyboard as the caller's own data: rows of captions.
string[][] rows = env.Keyboard.Split('\n').Select(r => r.Split('|').Select(b => b.Trim()).ToArray()).ToArray();

byte[] Body() => RawBody.Write(env.Line, env.User, env.Text, rows);

var (failed, seconds) = await BenchEnv.RunAsync(callers, n, warmup, async () =>
{
    using var content = new ByteArrayContent(Body());
    content.Headers.ContentType = contentType;
    using var response = await http.PostAsync(uri, content).ConfigureAwait(false);
    if (response.StatusCode == HttpStatusCode.OK) return true;
    Console.Error.WriteLine($"send failed: {(int)response.StatusCode}");
    return false;
});
Console.WriteLine(BenchEnv.Result(mode, n, failed, seconds, $" callers={callers}" + BenchEnv.CpuPerMessage(n)));
return failed == 0 ? 0 : 1;
