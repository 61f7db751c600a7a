// faultserver: serves the fault matrix of docs/RELIABILITY.md section 1 (FaultCatalog.Faults, the list the .NET
// FaultMatrixTests run) on loopback, so the runner core (tests/runner: the native library, COM under Wine, the
// add-in) runs the same rows and are held to the same expected texts.
//
//   faultserver --manifest PATH [--runs N] [--lifetime SECONDS]
//
// Starts N listeners per fault (default 2: one per language, so that every run has a server of its own, as in the
// .NET matrix), each on 127.0.0.1 port 0; for "connection refused", a socket bound to a loopback port that does not
// listen. Then writes PATH (atomically: the runners may poll for it) and serves until stdin reaches end of file or
// the lifetime (default 1800 s) ends. A control listener answers
//   GET /counts   one line per listener: "<row> <run> <requests> <connections>" (requests: complete HTTP requests
//                 the listener read; connections: TCP connections it accepted, TLS or not)
//   anything else 200 with "{}" (a warm-up target: the first send of a process is not timed against a fault).
//
// Manifest (UTF-8, one record a line, fields separated by one space; texts are hex of their UTF-8 bytes, "." when
// empty, "-" when absent):
//   FAULTS <rows> <runs> <control-url> <margin-ms> <line-id> <user-id> <text-hex>
//   F <row> <run> <url> <timeout-ms> <retry-delay-ms> <status> <attempts> <requests> <https 0|1> <body-length|-> <ru-hex> <en-hex> <detail-hex|-> <name-hex>
//   END
// <url> is the base URL of that run's listener; {host} in the texts is already replaced by its 127.0.0.1:port, and
// {detail} stays: the platform's TLS detail, which a runner matches by the words around it and <detail> (a word it
// must contain, as FaultMatrixTests checks). <timeout-ms> and <retry-delay-ms> are the row's Fault.TimeoutMs and
// Fault.RetryDelayMs, what FaultMatrixTests gives the .NET client: every surface sets both. <body-length> is the error-body prefix the client must keep, when the row
// checks it (Fault.ResponseBodyLength). Row numbers are 1-based, in the order of the table.

string? manifest = null;
int runs = 2, lifetime = 1800;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--manifest" when i + 1 < args.Length: manifest = args[++i]; break;
        case "--runs" when i + 1 < args.Length && int.TryParse(args[i + 1], out var r) && r is >= 1 and <= 8: runs = r; i++; break;
        case "--lifetime" when i + 1 < args.Length && int.TryParse(args[i + 1], out var s) && s is >= 1 and <= 86400: lifetime = s; i++; break;
        default:
            Console.Error.WriteLine("usage: faultserver --manifest PATH [--runs 1..8] [--lifetime SECONDS]");
            return 2;
    }
}
if (manifest is null)
{
    Console.Error.WriteLine("usage: faultserver --manifest PATH [--runs 1..8] [--lifetime SECONDS]");
    return 2;
}

var faults = FaultCatalog.Faults;
var listeners = new List<(int Row, int Run, RawHttpServer? Server, Socket? Refusing)>();
var sb = new StringBuilder();
using var control = new TcpListener(IPAddress.Loopback, 0);
control.Start();
string controlUrl = $"http://127.0.0.1:{((IPEndPoint)control.LocalEndpoint).Port}/";
sb.Append(CultureInfo.InvariantCulture,
    $"FAULTS {faults.Length} {runs} {controlUrl} {FaultCatalog.MarginMs} {FaultCatalog.LineId} {FaultCatalog.UserId} {Hex(FaultCatalog.Text)}\n");
for (int row = 0; row < faults.Length; row++)
{
    var fault = faults[row];
    for (int run = 0; run < runs; run++)
    {
        var server = fault.Server();
        var refusing = server is null ? FaultCatalog.BoundNotListening() : null;
        int port = server?.Port ?? ((IPEndPoint)refusing!.LocalEndPoint!).Port;
        listeners.Add((row + 1, run, server, refusing));
        string host = $"127.0.0.1:{port}";
        string url = $"{(fault.Https ? "https" : "http")}://{host}/";
        string ru = fault.Ru.Replace("{host}", host, StringComparison.Ordinal);
        string en = fault.En.Replace("{host}", host, StringComparison.Ordinal);
        sb.Append(CultureInfo.InvariantCulture,
            $"F {row + 1} {run} {url} {fault.TimeoutMs} {fault.RetryDelayMs} {fault.Status} {fault.Attempts} {fault.Requests} {(fault.Https ? 1 : 0)} {fault.ResponseBodyLength?.ToString(CultureInfo.InvariantCulture) ?? "-"} ");
        sb.Append(CultureInfo.InvariantCulture,
            $"{Hex(ru)} {Hex(en)} {(fault.DetailMustContain is null ? "-" : Hex(fault.DetailMustContain))} {Hex(fault.Name)}\n");
    }
}
sb.Append("END\n");
string temp = manifest + ".tmp";
File.WriteAllText(temp, sb.ToString(), new UTF8Encoding(false));
File.Move(temp, manifest, overwrite: true);
Console.WriteLine($"faultserver: {faults.Length} faults x {runs} runs = {listeners.Count} listeners, control {controlUrl}, manifest {manifest}");

using var stop = new CancellationTokenSource();
var controlLoop = ServeControlAsync(control, listeners, stop.Token);
var stdinClosed = Task.Run(() =>
{
    using var stdin = Console.OpenStandardInput();
    var buffer = new byte[256];
    try
    {
        while (stdin.Read(buffer, 0, buffer.Length) > 0) { }
    }
    catch (IOException) { }
});
var ended = await Task.WhenAny(stdinClosed, Task.Delay(TimeSpan.FromSeconds(lifetime)));
Console.WriteLine(ended == stdinClosed ? "faultserver: stdin closed, stopping" : $"faultserver: lifetime of {lifetime} s over, stopping");
stop.Cancel();
control.Stop();
var disposals = listeners.Select(async l =>
{
    l.Refusing?.Dispose();
    if (l.Server is not null) await l.Server.DisposeAsync();
}).Append(controlLoop);
await Task.WhenAll(disposals).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
return 0;

static string Hex(string text) => text.Length == 0 ? "." : Convert.ToHexStringLower(Encoding.UTF8.GetBytes(text));

// The control listener: one request per connection, answered and closed.
static async Task ServeControlAsync(TcpListener control, List<(int Row, int Run, RawHttpServer? Server, Socket? Refusing)> listeners, CancellationToken stop)
{
    while (!stop.IsCancellationRequested)
    {
        TcpClient client;
        try
        {
            client = await control.AcceptTcpClientAsync(stop);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            using var _ = client;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                var stream = client.GetStream();
                string head = await ReadHeadAsync(stream, timeout.Token);
                string body;
                if (head.StartsWith("GET /counts ", StringComparison.Ordinal))
                {
                    var counts = new StringBuilder();
                    foreach (var l in listeners)
                        counts.Append(CultureInfo.InvariantCulture, $"{l.Row} {l.Run} {l.Server?.Requests ?? 0} {l.Server?.Connections ?? 0}\n");
                    body = counts.ToString();
                }
                else
                {
                    body = "{}";
                }
                byte[] bytes = Encoding.UTF8.GetBytes(body);
                string response = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response), timeout.Token);
                await stream.WriteAsync(bytes, timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or FormatException) { }
        }, stop);
    }
}

// Reads a request head (up to 64 KiB) and the Content-Length body that follows it; returns the head.
static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
{
    var head = new List<byte>();
    var one = new byte[1];
    while (head.Count < 65536)
    {
        if (await stream.ReadAsync(one, ct) == 0) break;
        head.Add(one[0]);
        int c = head.Count;
        if (c >= 4 && head[c - 4] == '\r' && head[c - 3] == '\n' && head[c - 2] == '\r' && head[c - 1] == '\n') break;
    }
    string text = Encoding.ASCII.GetString(head.ToArray());
    foreach (var line in text.Split("\r\n"))
        if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture, out int length) && length is > 0 and <= 1 << 20)
            await stream.ReadExactlyAsync(new byte[length], ct);
    return text;
}
