using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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
    /// <summary>Writes these bytes (e.g. a status line and headers promising a body) and then never writes again.</summary>
    public sealed record Stall(byte[] Data) : RawReply;
    /// <summary>Writes these bytes (e.g. half a response) and then resets the connection (RST).</summary>
    public sealed record ResetAfter(byte[] Data) : RawReply;

    /// <summary>A status line and headers that promise <paramref name="contentLength"/> body bytes, then silence.</summary>
    public static RawReply HeadersThenStall(int status, int contentLength = 1000) =>
        new Stall(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {contentLength}\r\n\r\n{{\"error\":\""));

    /// <summary>An error response with a body of <paramref name="size"/> bytes (a JSON error whose text is that long).</summary>
    public static RawReply HugeBody(int status, int size)
    {
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n");
        var body = new byte[size];
        body.AsSpan().Fill((byte)'x');
        "{\"error\":\""u8.CopyTo(body);
        "\"}"u8.CopyTo(body.AsSpan(size - 2));
        return new Bytes([.. head, .. body]);
    }

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
    private int _connectionCount;

    private readonly X509Certificate2? _certificate;
    private readonly RawReply? _onConnect;

    /// <param name="reply">What to do with request number n (1-based).</param>
    /// <param name="certificate">When given, the server speaks TLS with this certificate.</param>
    /// <param name="onConnect">When given, what the server does as soon as a connection is accepted, before reading
    /// anything (<see cref="RawReply.Bytes"/> or <see cref="RawReply.Reset"/>): a server that is not what the client expects.</param>
    public RawHttpServer(Func<int, RawReply> reply, X509Certificate2? certificate = null, RawReply? onConnect = null)
    {
        _reply = reply;
        _certificate = certificate;
        _onConnect = onConnect;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public RawHttpServer(RawReply reply) : this(_ => reply) { }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public string BaseUrl => $"http://127.0.0.1:{Port}/";
    public int Requests => Volatile.Read(ref _requests);
    public int Connections => Volatile.Read(ref _connectionCount);
    public List<string> RequestHeads { get; } = [];

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                client.NoDelay = true;
                Interlocked.Increment(ref _connectionCount);
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
        Stream stream = client.GetStream();
        try
        {
            switch (_onConnect)
            {
                case RawReply.Bytes greeting:
                    await stream.WriteAsync(greeting.Data, _stop.Token);
                    if (greeting.Close) return;
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    return;
                case RawReply.Reset:
                    // Read the client's first bytes (a TLS ClientHello) so the reset lands in the middle of the handshake.
                    await stream.ReadAtLeastAsync(new byte[1], 1, throwOnEndOfStream: false, _stop.Token);
                    client.Client.LingerState = new LingerOption(true, 0);
                    client.Client.Close();
                    return;
            }
            if (_certificate is not null)
            {
                var tls = new SslStream(stream);
                await tls.AuthenticateAsServerAsync(_certificate);
                stream = tls;
            }
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
                    case RawReply.Stall stall:
                        await stream.WriteAsync(stall.Data, _stop.Token);
                        await stream.FlushAsync(_stop.Token);
                        await Task.Delay(Timeout.Infinite, _stop.Token);
                        return;
                    case RawReply.ResetAfter resetAfter:
                        await stream.WriteAsync(resetAfter.Data, _stop.Token);
                        await stream.FlushAsync(_stop.Token);
                        await Task.Delay(50, _stop.Token); // let the bytes leave before the RST discards the send queue
                        client.Client.LingerState = new LingerOption(true, 0);
                        client.Client.Close();
                        return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException or AuthenticationException) { }
    }

    /// <summary>Reads one request (head and Content-Length body); returns the head, or null at end of stream.</summary>
    private async Task<string?> ReadRequestAsync(Stream stream)
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

/// <summary>Certificates generated in the test: untrusted (self-signed), expired, or for another host.</summary>
public static class TestCertificates
{
    public static X509Certificate2 Create(string host = "127.0.0.1", DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(host, out var ip)) san.AddIpAddress(ip); else san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = request.CreateSelfSigned(notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(30));
        // Round-trip through PFX so SslStream gets a certificate with a usable private key on Linux.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }
}
