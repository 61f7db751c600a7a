// Throughput of the .NET API: ConnectClient.TrySendMessageAsync in a loop, with the library's defaults
// (validation, serialisation, retry pipeline, shared connection pool).
//   Bench.ApiLoad seq N WARMUP          one caller
//   Bench.ApiLoad conc C N WARMUP       C tasks sharing one client, N sends in all
//   Bench.ApiLoad multi S M             S clients one after another (create, M sends, dispose): the shared
//                                       connection pool keeps them on one connection (the TLS handshake count shows it)
// Prints "result ..." for bench/run.sh; exit code 1 if any send was not 2xx.
using Connect.Bridge;
using Connect.Bridge.Bench;

var env = new BenchEnv();
(string mode, int callers, long n, long warmup) = args switch
{
    ["seq", var n1, var w1] => ("seq", 1, long.Parse(n1), long.Parse(w1)),
    ["conc", var c2, var n2, var w2] => ("conc", int.Parse(c2), long.Parse(n2), long.Parse(w2)),
    ["multi", var s3, var m3] => ("multi", int.Parse(s3), long.Parse(m3), 0L),
    _ => throw new ArgumentException("usage: seq N WARMUP | conc CALLERS N WARMUP | multi CLIENTS M"),
};

var options = new ConnectClientOptions
{
    BaseUrl = env.Url,
    Login = env.Login,
    Password = env.Password,
    Language = ErrorLanguage.English,
};
var message = new LineMessage(env.Line, env.User, env.Text)
{
    Keyboard = Keyboard.Parse(env.Keyboard, KeyboardFormat.Rows),
};

if (mode == "multi")
{
    // callers = clients, n = sends per client
    long multiFailed = 0;
    long started = System.Diagnostics.Stopwatch.GetTimestamp();
    for (int k = 0; k < callers; k++)
    {
        using var one = new ConnectClient(options);
        for (long i = 0; i < n; i++)
        {
            var outcome = await one.TrySendMessageAsync(message).ConfigureAwait(false);
            if (outcome.IsSuccess) continue;
            multiFailed++;
            Console.Error.WriteLine($"send failed: {outcome}");
        }
    }
    double multiSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
    Console.WriteLine(BenchEnv.Result(mode, callers * n, multiFailed, multiSeconds, $" clients={callers}"));
    return multiFailed == 0 ? 0 : 1;
}

using var client = new ConnectClient(options);

var (failed, seconds) = await BenchEnv.RunAsync(callers, n, warmup, async () =>
{
    var outcome = await client.TrySendMessageAsync(message).ConfigureAwait(false);
    if (outcome.IsSuccess) return true;
    Console.Error.WriteLine($"send failed: {outcome}");
    return false;
});
Console.WriteLine(BenchEnv.Result(mode, n, failed, seconds, $" callers={callers}" + BenchEnv.CpuPerMessage(n)));
return failed == 0 ? 0 : 1;
