// Throughput of the .NET API: ConnectClient.TrySendMessageAsync in a loop, with the library's defaults
// (validation, serialisation, retry pipeline, shared connection pool).
//   Bench.ApiLoad seq N WARMUP          one caller
//   Bench.ApiLoad conc C N WARMUP       C tasks sharing one client, N sends in all
// Prints "result ..." for bench/run.sh; exit code 1 if any send was not 2xx.
using Connect.Bridge;
using Connect.Bridge.Bench;

var env = new BenchEnv();
(string mode, int callers, long n, long warmup) = args switch
{
    ["seq", var n1, var w1] => ("seq", 1, long.Parse(n1), long.Parse(w1)),
    ["conc", var c2, var n2, var w2] => ("conc", int.Parse(c2), long.Parse(n2), long.Parse(w2)),
    _ => throw new ArgumentException("usage: seq N WARMUP | conc CALLERS N WARMUP"),
};

using var client = new ConnectClient(new ConnectClientOptions
{
    BaseUrl = env.Url,
    Login = env.Login,
    Password = env.Password,
    Language = ErrorLanguage.English,
});
var message = new LineMessage(env.Line, env.User, env.Text)
{
    Keyboard = Keyboard.Parse(env.Keyboard, KeyboardFormat.Rows),
};

var (failed, seconds) = await BenchEnv.RunAsync(callers, n, warmup, async () =>
{
    var outcome = await client.TrySendMessageAsync(message).ConfigureAwait(false);
    if (outcome.IsSuccess) return true;
    Console.Error.WriteLine($"send failed: {outcome}");
    return false;
});
Console.WriteLine(BenchEnv.Result(mode, n, failed, seconds, $" callers={callers}"));
return failed == 0 ? 0 : 1;
