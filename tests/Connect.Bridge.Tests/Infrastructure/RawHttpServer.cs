using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Connect.Bridge.Tests.Infrastructure;

/// <summary>What the raw server does with one request.</summary>
public abstract record RawReply
{
    /// <summary>Writes these bytes (in one write, so Nagle does not add delay) and keeps the connection.</summary>
    public sealed record Bytes(byte[] Data, bool Close = false) : RawReply;
    /// <summary>Reads the request and never answers (until the server is disposed).</summary>
    public sealed record Silence : RawReply;
    /// <summary>Resets the connection (RST) after reading the request.</summary>
    public sealed record Reset : RawReply;

    public static RawReply Status(int status, string? body = null, params string[] headers)
    {
        var sb = new StringBuilder();
        sb.Append("HTTP/1.1 ").Append(status).Append(" X\r\n");
        foreach (var h in headers) sb.Append(h).Append("\r\n");
        var bodyBytes = Encoding.UTF8.GetBytes(body ?? "");
        if (body is not null) sb.Append("Content-Type: application/json; charset=utf-8\r\n");
        sb.Append("Content-Length: ").Append(bodyBytes.Length).Append("\r\n\r\n");
        return new Bytes([.. Encoding.ASCII.GetBytes(sb.ToString()), .. bodyBytes]);
    }
}

/// <summary>
/// A loopback HTTP/1.1 server on raw sockets for what the emulator cannot do: never answering, resetting,
/// arbitrary statuses and headers. Counts the requests it received.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<int, RawReply> _reply;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _acceptLoop;
    private int _requests;

    public RawHttpServer(Func<int, RawReply> reply)
    {
        _reply = reply;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public RawHttpServer(RawReply reply) : this(_ => reply) { }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public string BaseUrl => $"http://127.0.0.1:{Port}/";
    public int Requests => Volatile.Read(ref _requests);
    public List<string> RequestHeads { get; } = [];

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                client.NoDelay = true;
                lock (_connections) _connections.Add(ServeAsync(client));
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
        catch (SocketException) { }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var head = await ReadRequestAsync(stream);
                if (head is null) return;
                int n = Interlocked.Increment(ref _requests);
                lock (RequestHeads) RequestHeads.Add(head);
                switch (_reply(n))
                {
                    case RawReply.Bytes bytes:
                        await stream.WriteAsync(bytes.Data, _stop.Token);
                        if (bytes.Close) return;
                        break;
                    case RawReply.Silence:
                        await Task.Delay(Timeout.Infinite, _stop.Token);
                        return;
                    case RawReply.Reset:
                        client.Client.LingerState = new LingerOption(true, 0);
                        client.Client.Close();
                        return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException) { }
    }

    /// <summary>Reads one request (head and Content-Length body); returns the head, or null at end of stream.</summary>
    private async Task<string?> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            int n = await stream.ReadAsync(one, _stop.Token);
            if (n == 0) return null;
            buffer.Add(one[0]);
            int c = buffer.Count;
            if (c >= 4 && buffer[c - 4] == '\r' && buffer[c - 3] == '\n' && buffer[c - 2] == '\r' && buffer[c - 1] == '\n') break;
        }
        string head = Encoding.ASCII.GetString(buffer.ToArray());
        int length = 0;
        foreach (var line in head.Split("\r\n"))
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, _stop.Token);
        return head;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try { await _acceptLoop; } catch { /* stopping */ }
        Task[] connections;
        lock (_connections) connections = [.. _connections];
        await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        _stop.Dispose();
    }
}
