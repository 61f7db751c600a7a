namespace Connect.Bridge.IntegrationTests.Infrastructure;

/// <summary>
/// Serves the fault matrix of docs/RELIABILITY.md section 1 (FaultCatalog.Faults, the list the .NET FaultMatrixTests run)
/// on loopback, so that the runner core (tests/runner: the native library, COM under Wine, the add-in, the Windows DLL)
/// runs the same rows and is held to the same expected texts.
/// </summary>
/// <remarks>
/// Two listeners per fault (one per language, so that every run has a server of its own, as in the .NET matrix), each
/// on 127.0.0.1 port 0; for "connection refused", a socket bound to a loopback port that does not listen. The manifest
/// is written atomically (a runner may poll for it). A control listener answers
///   GET /counts   one line per listener: "&lt;row&gt; &lt;run&gt; &lt;requests&gt; &lt;connections&gt;" (requests: complete HTTP
///                 requests the listener read; connections: TCP connections it accepted, TLS or not)
///   anything else 200 with "{}" (a warm-up target: the first send of a process is not timed against a fault).
///
/// Manifest (UTF-8, one record a line, fields separated by one space; texts are hex of their UTF-8 bytes, "." when
/// empty, "-" when absent):
///   FAULTS &lt;rows&gt; &lt;runs&gt; &lt;control-url&gt; &lt;margin-ms&gt; &lt;line-id&gt; &lt;user-id&gt; &lt;text-hex&gt;
///   F &lt;row&gt; &lt;run&gt; &lt;url&gt; &lt;timeout-ms&gt; &lt;retry-delay-ms&gt; &lt;status&gt; &lt;attempts&gt; &lt;requests&gt; &lt;https 0|1&gt; &lt;body-length|-&gt; &lt;ru-hex&gt; &lt;en-hex&gt; &lt;detail-hex|-&gt; &lt;name-hex&gt;
///   END
/// &lt;url&gt; is the base URL of that run's listener; {host} in the texts is already replaced by its 127.0.0.1:port, and
/// {detail} stays: the platform's TLS detail, which a runner matches by the words around it and &lt;detail&gt; (a word it
/// must contain, as FaultMatrixTests checks). &lt;timeout-ms&gt; and &lt;retry-delay-ms&gt; are the row's Fault.TimeoutMs and
/// Fault.RetryDelayMs, what FaultMatrixTests gives the .NET client: every surface sets both. &lt;body-length&gt; is the
/// error-body prefix the client must keep, when the row checks it. Row numbers are 1-based, in the order of the table.
/// </remarks>
public sealed class FaultServer : IAsyncDisposable
{
    private readonly List<(int Row, int Run, RawHttpServer? Server, Socket? Refusing)> listeners = [];
    private readonly TcpListener control = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private Task controlLoop = Task.CompletedTask;
    private int disposed;

    private FaultServer() { }

    public static Task<FaultServer> StartAsync(string manifest, int runs = 2)
    {
        var server = new FaultServer();
        server.Start(manifest, runs);
        return Task.FromResult(server);
    }

    private void Start(string manifest, int runs)
    {
        var faults = FaultCatalog.Faults;
        control.Start();
        string controlUrl = $"http://127.0.0.1:{((IPEndPoint)control.LocalEndpoint).Port}/";
        var sb = new StringBuilder();
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
        controlLoop = ServeControlAsync(stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        await stop.CancelAsync();
        control.Stop();
        var disposals = listeners.Select(async l =>
        {
            l.Refusing?.Dispose();
            if (l.Server is not null) await l.Server.DisposeAsync();
        }).Append(controlLoop);
        await Task.WhenAll(disposals).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        stop.Dispose();
    }

    private static string Hex(string text) => text.Length == 0 ? "." : Convert.ToHexStringLower(Encoding.UTF8.GetBytes(text));

    // One request per connection, answered and closed.
    private async Task ServeControlAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await control.AcceptTcpClientAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using var _ = client;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                try
                {
                    var stream = client.GetStream();
                    string head = await ReadHeadAsync(stream, timeout.Token);
                    string body = "{}";
                    if (head.StartsWith("GET /counts ", StringComparison.Ordinal))
                    {
                        var counts = new StringBuilder();
                        foreach (var l in listeners)
                            counts.Append(CultureInfo.InvariantCulture, $"{l.Row} {l.Run} {l.Server?.Requests ?? 0} {l.Server?.Connections ?? 0}\n");
                        body = counts.ToString();
                    }
                    byte[] bytes = Encoding.UTF8.GetBytes(body);
                    string response = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(response), timeout.Token);
                    await stream.WriteAsync(bytes, timeout.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or FormatException) { }
            }, ct);
        }
    }

    // A request head (up to 64 KiB) and the Content-Length body that follows it; returns the head.
    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
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
}
