using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Connect.Bridge.Tests.Infrastructure;

namespace Connect.Bridge.Tests.Reliability;

/// <summary>One network fault and what the client must make of it.</summary>
/// <param name="Name">How the fault reads in docs/RELIABILITY.md.</param>
/// <param name="Status">The expected status code.</param>
/// <param name="Attempts">The expected number of HTTP attempts (1 + retries).</param>
/// <param name="Requests">How many complete requests the fault server must have read (0 when none can arrive).</param>
/// <param name="Ru">The exact Russian text; <c>{host}</c> stands for 127.0.0.1:port, <c>{detail}</c> for the platform's TLS detail.</param>
/// <param name="En">The exact English text, same placeholders.</param>
public sealed record Fault(string Name, int Status, int Attempts, int Requests, string Ru, string En)
{
    /// <summary>Starts the server for one run; null means "a port where nothing listens".</summary>
    public required Func<RawHttpServer?> Server { get; init; }

    /// <summary>The timeout every surface sets for the run (with <see cref="RetryDelayMs"/>).</summary>
    public int TimeoutMs { get; init; } = FaultCatalog.DefaultTimeoutMs;

    /// <summary>A word the TLS detail must contain (the chain or name error), when the text has <c>{detail}</c>.</summary>
    public string? DetailMustContain { get; init; }

    /// <summary>The length of the error body the client must keep (the bounded prefix), when the row checks it.</summary>
    public int? ResponseBodyLength { get; init; }

    public bool Https { get; init; }

    /// <summary>The first retry delay every surface sets for the run (.NET RetryDelay, CB_OPT_RETRY_DELAY_MS, RetryDelaySeconds).</summary>
    public int RetryDelayMs { get; init; } = FaultCatalog.MatrixRetryDelayMs;
}

/// <summary>
/// The fault matrix of docs/RELIABILITY.md section 1, in one list: <c>FaultMatrixTests</c> runs it through the .NET
/// API, and the integration suites' fault server (tests/Connect.Bridge.IntegrationTests/Infrastructure/FaultServer.cs) serves the same rows (with the same expected texts, timeouts and retry delays) to the
/// runner core (native, COM, the add-in).
/// </summary>
public static class FaultCatalog
{
    /// <summary>
    /// The timeout of rows where the timeout is what ends the call (no answer, stalled body): short, so the matrix is fast.
    /// </summary>
    public const int ShortTimeoutMs = 1000;

    /// <summary>
    /// The timeout of every other row, where the server answers at once: long enough that a loaded CI machine cannot
    /// turn a fast answer into -3. It is still asserted as the upper bound.
    /// </summary>
    public const int DefaultTimeoutMs = 3000;

    /// <summary>
    /// Timeout of the certificate rows: a handshake with chain building on a loaded 2-core machine has been seen to take
    /// over 3 s; these rows test the certificate verdict, not the timeout.
    /// </summary>
    public const int TlsTimeoutMs = 15000;

    /// <summary>The first retry delay of the matrix on every surface, so that retried rows are fast.</summary>
    public const int MatrixRetryDelayMs = 10;

    /// <summary>Margin on top of the timeout for "the call returned in time". A bound, not a benchmark.</summary>
    public const int MarginMs = 2000;

    /// <summary>The message every run sends (the fault server does not look at it).</summary>
    public const string LineId = "5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44";
    public const string UserId = "df4cca69-ce40-472e-9083-af9b279c72cc";
    public const string Text = "Здравствуйте";

    private const string Refused = "Не удалось подключиться к {host}: соединение отклонено. Сообщение не доставлено.";
    private const string RefusedEn = "Could not connect to {host}: connection refused. The message was not delivered.";
    private const string ResetRu = "Соединение с {host} прервано до получения ответа: соединение сброшено сервером. Доставка неизвестна.";
    private const string ResetEn = "The connection to {host} broke before an answer: connection reset by the server. Delivery is unknown.";
    private const string NotHttpRu = "Соединение с {host} прервано до получения ответа: ответ сервера не является HTTP. Доставка неизвестна.";
    private const string NotHttpEn = "The connection to {host} broke before an answer: the server's answer is not HTTP. Delivery is unknown.";
    private const string TlsRu = "Ошибка TLS/сертификата при подключении к {host}: сертификат сервера не прошёл проверку ({detail}). Сообщение не доставлено.";
    private const string TlsEn = "TLS/certificate failure connecting to {host}: the server certificate failed validation ({detail}). The message was not delivered.";
    private const string TlsHandshakeRu = "Ошибка TLS при подключении к {host}: рукопожатие TLS не состоялось (сервер не говорит по TLS — возможно, это http — или прервал рукопожатие). Сообщение не доставлено.";
    private const string TlsHandshakeEn = "TLS failure connecting to {host}: the TLS handshake failed (the server does not speak TLS, perhaps it is plain http, or it broke the handshake). The message was not delivered.";
    private const string HeadersTooLargeRu = "Сервер {host} ответил, но заголовки ответа длиннее предела клиента (64 КиБ); код ответа неизвестен. Доставка неизвестна.";
    private const string HeadersTooLargeEn = "The server {host} answered, but the response headers exceed the client's limit (64 KiB); the status is unknown. Delivery is unknown.";
    private static string OutOfRangeRu(int status) => $"Ответ сервера {{host}} нарушает протокол HTTP: код {status} вне диапазона 100–599. Доставка неизвестна.";
    private static string OutOfRangeEn(int status) => $"The answer of {{host}} breaks the HTTP protocol: status {status} is outside 100..599. Delivery is unknown.";
    private const string Location = "https://elsewhere.example/v1/line/send/message/";

    private static string Server5xx(int status) => $"HTTP {status}: ошибка на стороне сервера.";
    private static string Server5xxEn(int status) => $"HTTP {status}: server error.";
    private const string TooManyRu = "HTTP 429: слишком много запросов, повторите позже.";
    private const string TooManyEn = "HTTP 429: too many requests, try again later.";

    private static Func<RawHttpServer?> Raw(RawReply reply) => () => new RawHttpServer(reply);

    /// <summary>A server that does something at once on accept (answers as plain HTTP would, or resets), for TLS rows.</summary>
    private static Func<RawHttpServer?> OnConnect(RawReply onConnect) => () => new RawHttpServer(_ => RawReply.Status(200), null, onConnect);

    private static RawReply RawStatusLine(string statusLine) =>
        new RawReply.Bytes(Encoding.ASCII.GetBytes($"HTTP/1.1 {statusLine}\r\nContent-Length: 0\r\n\r\n"));

    private static Func<RawHttpServer?> Tls(string host, int fromDays, int toDays) => () =>
        new RawHttpServer(_ => RawReply.Status(200), TestCertificates.Create(host, DateTimeOffset.UtcNow.AddDays(fromDays), DateTimeOffset.UtcNow.AddDays(toDays)));

    private static string HttpDate(TimeSpan fromNow) => (DateTimeOffset.UtcNow + fromNow).ToString("r", CultureInfo.InvariantCulture);

    /// <summary>The matrix. Order is the order of the table in docs/RELIABILITY.md.</summary>
    public static readonly Fault[] Faults =
    [
        new("control: 200 OK", 200, 1, 1, "", "") { Server = Raw(RawReply.Status(200)) },
        new("connection refused (nothing listens)", BridgeStatus.ConnectionFailed, 3, 0, Refused, RefusedEn) { Server = () => null },
        new("accepted, request read, never answered", BridgeStatus.Timeout, 1, 1,
            "Нет ответа сервера за 1 с (тайм-аут). Доставка неизвестна.", "No answer from the server within 1 s (timeout). Delivery is unknown.")
            { Server = Raw(new RawReply.Silence()), TimeoutMs = ShortTimeoutMs },
        new("headers of a 500 sent, body stalls", 500, 1, 1, Server5xx(500), Server5xxEn(500)) { Server = Raw(RawReply.HeadersThenStall(500)), TimeoutMs = ShortTimeoutMs },
        new("headers of a 503 sent, body stalls (every attempt)", 503, 3, 3, "HTTP 503: ошибка на стороне сервера.", "HTTP 503: server error.")
            { Server = Raw(RawReply.HeadersThenStall(503)), TimeoutMs = ShortTimeoutMs },
        new("headers of a 200 sent, body stalls", 200, 1, 1, "", "") { Server = Raw(RawReply.HeadersThenStall(200)), TimeoutMs = ShortTimeoutMs },
        new("reset (RST) after reading the request, no answer", BridgeStatus.ConnectionFailed, 1, 1, ResetRu, ResetEn) { Server = Raw(new RawReply.Reset()) },
        new("reset mid-headers", BridgeStatus.ConnectionFailed, 1, 1, ResetRu, ResetEn)
            { Server = Raw(new RawReply.ResetAfter(Encoding.ASCII.GetBytes("HTTP/1.1 500 X\r\nContent-Le"))) },
        new("reset mid-body of a 500", 500, 1, 1, Server5xx(500), Server5xxEn(500))
            { Server = Raw(new RawReply.ResetAfter(Encoding.ASCII.GetBytes("HTTP/1.1 500 X\r\nContent-Length: 1000\r\n\r\n{\"error\":\"abc"))) },
        new("500 with a JSON error", 500, 1, 1,
            "HTTP 500: ошибка на стороне сервера. Ответ сервера: «internal failure».", "HTTP 500: server error. Server says: \"internal failure\".")
            { Server = Raw(RawReply.Status(500, """{"error":"internal failure"}""")) },
        new("502 with an HTML body", 502, 1, 1, Server5xx(502), Server5xxEn(502))
            { Server = Raw(RawReply.Status(502, "<html><body>Bad Gateway</body></html>")) },
        new("503", 503, 3, 3, Server5xx(503), Server5xxEn(503)) { Server = Raw(RawReply.Status(503)) },
        new("504", 504, 1, 1, Server5xx(504), Server5xxEn(504)) { Server = Raw(RawReply.Status(504)) },
        new("429 without Retry-After", 429, 3, 3, TooManyRu, TooManyEn) { Server = Raw(RawReply.Status(429)) },
        new("429, Retry-After: 0", 429, 3, 3, TooManyRu, TooManyEn) { Server = Raw(RawReply.Status(429, null, "Retry-After: 0")) },
        new("429, Retry-After: 1 (fits in the 3.5 s timeout: waited and retried)", 429, 3, 3, TooManyRu, TooManyEn)
            { Server = Raw(RawReply.Status(429, null, "Retry-After: 1")), TimeoutMs = 3500 },
        new("429, Retry-After: 3600 (beyond the timeout: reported at once)", 429, 1, 1, TooManyRu, TooManyEn)
            { Server = Raw(RawReply.Status(429, null, "Retry-After: 3600")) },
        new("429, Retry-After: HTTP-date in the past", 429, 3, 3, TooManyRu, TooManyEn)
            { Server = () => new RawHttpServer(RawReply.Status(429, null, "Retry-After: " + HttpDate(TimeSpan.FromHours(-1)))) },
        new("429, Retry-After: HTTP-date one hour ahead", 429, 1, 1, TooManyRu, TooManyEn)
            { Server = () => new RawHttpServer(RawReply.Status(429, null, "Retry-After: " + HttpDate(TimeSpan.FromHours(1)))) },
        new("503, Retry-After: 3600", 503, 1, 1, Server5xx(503), Server5xxEn(503)) { Server = Raw(RawReply.Status(503, null, "Retry-After: 3600")) },
        new("301 with Location", 301, 1, 1,
            $"HTTP 301: сервер перенаправляет запрос на «{Location}»; перенаправления не выполняются — проверьте BaseUrl.",
            $"HTTP 301: the server redirects to \"{Location}\"; redirects are not followed, check BaseUrl.")
            { Server = Raw(RawReply.Status(301, null, "Location: " + Location)) },
        new("302 with Location", 302, 1, 1,
            $"HTTP 302: сервер перенаправляет запрос на «{Location}»; перенаправления не выполняются — проверьте BaseUrl.",
            $"HTTP 302: the server redirects to \"{Location}\"; redirects are not followed, check BaseUrl.")
            { Server = Raw(RawReply.Status(302, null, "Location: " + Location)) },
        new("307 with Location", 307, 1, 1,
            $"HTTP 307: сервер перенаправляет запрос на «{Location}»; перенаправления не выполняются — проверьте BaseUrl.",
            $"HTTP 307: the server redirects to \"{Location}\"; redirects are not followed, check BaseUrl.")
            { Server = Raw(RawReply.Status(307, null, "Location: " + Location)) },
        new("not HTTP (an SSH banner), then close", BridgeStatus.ConnectionFailed, 1, 1, NotHttpRu, NotHttpEn)
            { Server = Raw(new RawReply.Bytes(Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.6\r\n\r\n"), Close: true)) },
        new("not HTTP (binary bytes), connection kept", BridgeStatus.ConnectionFailed, 1, 1, NotHttpRu, NotHttpEn)
            { Server = Raw(new RawReply.Bytes([0x16, 0x03, 0x01, 0x00, 0x05, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a])) },
        new("10 MB error body (only a 16 KiB prefix is read)", 500, 1, 1, Server5xx(500), Server5xxEn(500))
            { Server = Raw(RawReply.HugeBody(500, 10 * 1024 * 1024)), ResponseBodyLength = Limits.MaxErrorBodyBytes },
        new("TLS: untrusted (self-signed) certificate", BridgeStatus.TlsFailure, 1, 0, TlsRu, TlsEn)
            { Server = Tls("127.0.0.1", -1, 30), Https = true, TimeoutMs = TlsTimeoutMs, DetailMustContain = "UntrustedRoot" },
        new("TLS: expired certificate", BridgeStatus.TlsFailure, 1, 0, TlsRu, TlsEn)
            { Server = Tls("127.0.0.1", -30, -1), Https = true, TimeoutMs = TlsTimeoutMs, DetailMustContain = "NotTimeValid" },
        new("TLS: certificate for another host", BridgeStatus.TlsFailure, 1, 0, TlsRu, TlsEn)
            { Server = Tls("other.example", -1, 30), Https = true, TimeoutMs = TlsTimeoutMs, DetailMustContain = "RemoteCertificateNameMismatch" },
        // ---- round two (issue 10): transport items ----
        new("connection refused, the timeout ends the retry backoff (never -3)", BridgeStatus.ConnectionFailed, 1, 0, Refused, RefusedEn)
            // Every surface sets the longest retry delay (30 s, at least 22.5 s with the jitter), so the timeout always
            // ends the first backoff, and the refused attempt has the whole ShortTimeoutMs to come back: a stalled
            // 32-bit process under Wine on a loaded machine needs more than the 185 ms it had while native, COM and the
            // add-in could not set the delay (tests/README.md).
            { Server = () => null, TimeoutMs = ShortTimeoutMs, RetryDelayMs = Limits.MaxRetryDelayMs },
        new("status 099 (outside 100..599)", BridgeStatus.ConnectionFailed, 1, 1, OutOfRangeRu(99), OutOfRangeEn(99)) { Server = Raw(RawStatusLine("099 X")) },
        new("status 600 (outside 100..599)", BridgeStatus.ConnectionFailed, 1, 1, OutOfRangeRu(600), OutOfRangeEn(600)) { Server = Raw(RawStatusLine("600 X")) },
        new("status 999 (outside 100..599)", BridgeStatus.ConnectionFailed, 1, 1, OutOfRangeRu(999), OutOfRangeEn(999)) { Server = Raw(RawStatusLine("999 X")) },
        new("response headers over the client's 64 KiB limit", BridgeStatus.ConnectionFailed, 1, 1, HeadersTooLargeRu, HeadersTooLargeEn)
            { Server = Raw(RawReply.Status(200, null, "X-Padding: " + new string('a', 70 * 1024))) },
        new("429, Retry-After: 99999999999 (beyond any timeout: reported at once)", 429, 1, 1, TooManyRu, TooManyEn)
            { Server = Raw(RawReply.Status(429, null, "Retry-After: 99999999999")) },
        new("429, Retry-After: unreadable (the backoff applies)", 429, 3, 3, TooManyRu, TooManyEn)
            { Server = Raw(RawReply.Status(429, null, "Retry-After: soon")) },
        new("TLS: https to a plain-HTTP server (it answers 400 and closes)", BridgeStatus.TlsFailure, 1, 0, TlsHandshakeRu, TlsHandshakeEn)
            { Server = OnConnect(new RawReply.Bytes(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), Close: true)), Https = true },
        new("TLS: reset during the handshake", BridgeStatus.TlsFailure, 1, 0, TlsHandshakeRu, TlsHandshakeEn)
            { Server = OnConnect(new RawReply.Reset()), Https = true },
    ];

    /// <summary>
    /// A socket bound to a loopback port but not listening: connecting to it is refused, and because the port stays
    /// bound for the run, no other server can take it meanwhile.
    /// </summary>
    public static Socket BoundNotListening()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}
