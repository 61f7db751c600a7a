using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Connect.Bridge;

/// <summary>
/// Client for the 1C-Connect line API. Thread-safe; all instances share one connection pool per proxy setting.
/// The <c>Try…</c> methods return a <see cref="SendOutcome"/>; the others throw <see cref="ConnectBridgeException"/>
/// for any non-2xx outcome. Cancelling <c>cancellationToken</c> throws <see cref="OperationCanceledException"/>.
/// The synchronous methods run the same asynchronous path and block the calling thread on a per-thread wait
/// handle (measured: HttpClient's synchronous path made a NativeAOT host's memory grow with every send); call the
/// <c>…Async</c> methods from thread-pool code.
/// </summary>
public sealed class ConnectClient : ILineClient, IDisposable
{
    private static readonly MediaTypeHeaderValue JsonContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");
    private static readonly MediaTypeWithQualityHeaderValue JsonAccept = new("application/json");
    private static readonly ResiliencePropertyKey<Call> CallKey = new("connect-bridge.call");

    private readonly ConnectClientOptions _options;
    private readonly ClientConfig _config;
    private readonly HttpClient? _http;
    private readonly bool _ownsHttp;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <summary>Creates a client on the shared connection pool.</summary>
    public ConnectClient(ConnectClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _config = ClientConfig.Create(_options);
        if (_config.Error is null)
        {
            var handler = SharedHandlers.Get(_config.Proxy, _options.ProxyLogin, _options.ProxyPassword);
            _http = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
            _ownsHttp = true;
        }
        _pipeline = BuildPipeline(_options);
    }

    /// <summary>
    /// Creates a client over a caller-supplied <see cref="HttpClient"/> (for IHttpClientFactory users). Proxy options are
    /// then ignored; configure the handler not to follow redirects.
    /// </summary>
    public ConnectClient(HttpClient httpClient, ConnectClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _config = ClientConfig.Create(_options);
        _http = httpClient;
        _pipeline = BuildPipeline(_options);
    }

    /// <summary>The language of this client's error texts.</summary>
    public ErrorLanguage Language => _options.Language;

    // ---- throwing API -----------------------------------------------------------------------

    /// <summary>Sends a message; throws <see cref="ConnectBridgeException"/> unless the server answers 2xx.</summary>
    public async Task<SendOutcome> SendMessageAsync(LineMessage message, CancellationToken cancellationToken = default) =>
        ThrowIfFailed(await TrySendMessageAsync(message, cancellationToken).ConfigureAwait(false));

    /// <summary>Synchronous <see cref="SendMessageAsync"/>.</summary>
    public SendOutcome SendMessage(LineMessage message, CancellationToken cancellationToken = default) =>
        ThrowIfFailed(TrySendMessage(message, cancellationToken));

    /// <summary>Removes the user's keyboard; throws <see cref="ConnectBridgeException"/> unless the server answers 2xx.</summary>
    public async Task<SendOutcome> DropKeyboardAsync(string lineId, string userId, CancellationToken cancellationToken = default) =>
        ThrowIfFailed(await TryDropKeyboardAsync(lineId, userId, cancellationToken).ConfigureAwait(false));

    /// <summary>Synchronous <see cref="DropKeyboardAsync"/>.</summary>
    public SendOutcome DropKeyboard(string lineId, string userId, CancellationToken cancellationToken = default) =>
        ThrowIfFailed(TryDropKeyboard(lineId, userId, cancellationToken));

    private static SendOutcome ThrowIfFailed(SendOutcome outcome) => outcome.IsSuccess ? outcome : throw new ConnectBridgeException(outcome);

    // ---- non-throwing API -------------------------------------------------------------------

    /// <inheritdoc/>
    public Task<SendOutcome> TrySendMessageAsync(LineMessage message, CancellationToken cancellationToken = default) =>
        SendMessageCoreAsync(message, cancellationToken).AsTask();

    /// <inheritdoc/>
    public SendOutcome TrySendMessage(LineMessage message, CancellationToken cancellationToken = default) =>
        SyncWait.Result(SendMessageCoreAsync(message, cancellationToken).AsTask());

    /// <inheritdoc/>
    public Task<SendOutcome> TryDropKeyboardAsync(string lineId, string userId, CancellationToken cancellationToken = default) =>
        DropKeyboardCoreAsync(lineId, userId, cancellationToken).AsTask();

    /// <inheritdoc/>
    public SendOutcome TryDropKeyboard(string lineId, string userId, CancellationToken cancellationToken = default) =>
        SyncWait.Result(DropKeyboardCoreAsync(lineId, userId, cancellationToken).AsTask());

    private ValueTask<SendOutcome> SendMessageCoreAsync(LineMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        WireMessage? wire = null;
        string? error = _config.Error ?? MessageValidator.Validate(message, _options.Language, out wire);
        if (error is not null) return ValueTask.FromResult(Reject(error));
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(wire!, WireJson.Context.WireMessage);
        return PostAsync(_config.SendMessageUri, body, ct);
    }

    private ValueTask<SendOutcome> DropKeyboardCoreAsync(string lineId, string userId, CancellationToken ct)
    {
        WireDropKeyboard? wire = null;
        string? error = _config.Error ?? MessageValidator.ValidateDrop(lineId, userId, _options.Language, out wire);
        if (error is not null) return ValueTask.FromResult(Reject(error));
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(wire!, WireJson.Context.WireDropKeyboard);
        return PostAsync(_config.DropKeyboardUri, body, ct);
    }

    /// <summary>The request body this client would send for a message, or null when the message is invalid (for tests and tools).</summary>
    internal static byte[]? SerializeMessage(LineMessage message, ErrorLanguage language = ErrorLanguage.Russian) =>
        MessageValidator.Validate(message, language, out var wire) is null ? JsonSerializer.SerializeToUtf8Bytes(wire!, WireJson.Context.WireMessage) : null;

    private SendOutcome Reject(string error)
    {
        if (_options.Logger is { } logger) Log.Rejected(logger, error);
        return SendOutcome.Invalid(error).WithoutSecret(_options.Password).WithoutSecret(_options.ProxyPassword);
    }

    // ---- the wire ---------------------------------------------------------------------------

    /// <summary>Per-call state shared by the attempts and the retry rules.</summary>
    private sealed class Call(ConnectClient client, Uri uri, byte[] body, long deadline)
    {
        public ConnectClient Client { get; } = client;
        public Uri Uri { get; } = uri;
        public byte[] Body { get; } = body;
        public long Deadline { get; } = deadline;
        public int Attempts { get; set; }
        /// <summary>The status of the last attempt's answer, 0 while an attempt waits for one (a retry backoff cut by the timeout reports it).</summary>
        public int LastAnswer { get; set; }
        /// <summary>The first attempt's result, handed to the retry pipeline as its first outcome (see PostAsync).</summary>
        public (HttpResponseMessage? Response, HttpRequestException? Error)? First { get; set; }

        /// <summary>The pipeline's callback: the first attempt's result once, then real attempts.</summary>
        public ValueTask<HttpResponseMessage> NextAsync(CancellationToken ct)
        {
            if (First is not { } first) return Client.AttemptAsync(this, ct);
            First = null;
            return first.Error is null ? ValueTask.FromResult(first.Response!) : ValueTask.FromException<HttpResponseMessage>(first.Error);
        }
    }

    private async ValueTask<SendOutcome> PostAsync(Uri uri, byte[] body, CancellationToken ct)
    {
        var l = _options.Language;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        var call = new Call(this, uri, body, Stopwatch.GetTimestamp() + (long)(_options.Timeout.TotalSeconds * Stopwatch.Frequency));
        SendOutcome outcome;
        try
        {
            using var response = await SendWithRetriesAsync(call, timeout.Token).ConfigureAwait(false);
            outcome = await ReadOutcomeAsync(response, call, timeout.Token, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (call.LastAnswer != 0)
        {
            // The timeout ended a retry backoff: the server did answer (429/503), so that answer is the outcome, not "no answer".
            outcome = new SendOutcome(call.LastAnswer, Texts.HttpError(call.LastAnswer, null, l), attempts: call.Attempts);
        }
        catch (OperationCanceledException)
        {
            outcome = new SendOutcome(BridgeStatus.Timeout, Texts.Timeout(_options.Timeout, l), attempts: call.Attempts);
        }
        catch (HttpRequestException ex)
        {
            outcome = Classify(ex, call.Attempts);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            outcome = new SendOutcome(BridgeStatus.InternalError, Texts.Internal(ex.GetType().Name, l), attempts: call.Attempts);
        }
        // The Basic token is the password in reversible form: a server that echoes the Authorization header leaks it too.
        return outcome.WithoutSecret(_options.Password).WithoutSecret(_options.ProxyPassword).WithoutSecret(_config.Authorization.Parameter);
    }

    /// <summary>
    /// The first attempt runs outside the retry pipeline (measured: entering Polly on every call cost several µs per
    /// message); only a retryable first outcome enters it, as the pipeline's first outcome, so the retry rules and
    /// backoff are Polly's either way.
    /// </summary>
    private async ValueTask<HttpResponseMessage> SendWithRetriesAsync(Call call, CancellationToken ct)
    {
        HttpResponseMessage? response = null;
        HttpRequestException? error = null;
        try
        {
            response = await AttemptAsync(call, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            error = ex;
        }
        if (_options.MaxRetries <= 0 || !ShouldRetry(response, error, call, ct))
        {
            if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
            return response!;
        }
        call.First = (response, error);
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(CallKey, call);
        try
        {
            return await _pipeline.ExecuteAsync(static (ctx, c) => c.NextAsync(ctx.CancellationToken), context, call).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<HttpResponseMessage> AttemptAsync(Call call, CancellationToken ct)
    {
        int attempt = ++call.Attempts;
        call.LastAnswer = 0;
        var request = new HttpRequestMessage(HttpMethod.Post, call.Uri)
        {
            Content = new ByteArrayContent(call.Body),
            Version = HttpVersion.Version11,
        };
        request.Content.Headers.ContentType = JsonContentType;
        request.Headers.Accept.Add(JsonAccept);
        request.Headers.Authorization = _config.Authorization;
        long started = Stopwatch.GetTimestamp();
        try
        {
            var response = await _http!.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            call.LastAnswer = (int)response.StatusCode;
            if (_options.Logger is { } logger)
                Log.Attempt(logger, call.Uri.AbsolutePath, (int)response.StatusCode, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, attempt);
            return response;
        }
        catch (Exception ex) when (_options.Logger is not null)
        {
            Log.AttemptFailed(_options.Logger, call.Uri.AbsolutePath, ex.GetType().Name, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, attempt);
            throw;
        }
    }

    private async ValueTask<SendOutcome> ReadOutcomeAsync(HttpResponseMessage response, Call call, CancellationToken ct, CancellationToken callerToken)
    {
        int status = (int)response.StatusCode;
        var l = _options.Language;
        if (status is >= 200 and < 300) return new SendOutcome(status, "", attempts: call.Attempts);
        if (status is >= 300 and < 400)
            return new SendOutcome(status, Texts.Redirect(status, response.Headers.Location?.OriginalString, l), attempts: call.Attempts);
        string body = await ReadBoundedAsync(response, ct, callerToken).ConfigureAwait(false);
        string? serverError = ServerErrorText(body);
        return new SendOutcome(status, Texts.HttpError(status, serverError, l), serverError, body.Length == 0 ? null : body, call.Attempts);
    }

    /// <summary>
    /// Reads at most <see cref="Limits.MaxErrorBodyBytes"/> of an error body: a huge body must not cost memory or time.
    /// The status line is the server's answer, so a body that stalls until the timeout or breaks off keeps what arrived.
    /// </summary>
    private static async ValueTask<string> ReadBoundedAsync(HttpResponseMessage response, CancellationToken ct, CancellationToken callerToken)
    {
        var buffer = new byte[Limits.MaxErrorBodyBytes];
        int total = 0;
        try
        {
            using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            while (total < buffer.Length)
            {
                int n = await stream.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false);
                if (n == 0) break;
                total += n;
            }
        }
        catch (Exception e) when ((e is IOException or OperationCanceledException or ObjectDisposedException) && !callerToken.IsCancellationRequested)
        {
            // Stalled past the timeout or broken off: report the status with the part of the body that arrived.
        }
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    private static string? ServerErrorText(string body)
    {
        if (body.Length == 0 || body.TrimStart() is not ['{', ..]) return null;
        try
        {
            var error = JsonSerializer.Deserialize(body, WireJson.Context.WireError)?.Error;
            return string.IsNullOrWhiteSpace(error) ? null : TextRules.OneLine(error);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private SendOutcome Classify(HttpRequestException ex, int attempts)
    {
        var l = _options.Language;
        string host = _config.Host;
        var socket = FindInner<SocketException>(ex);
        switch (ex.HttpRequestError)
        {
            case HttpRequestError.NameResolutionError:
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ConnectionFailed(host, Texts.CauseDns(l), l), attempts: attempts);
            case HttpRequestError.ProxyTunnelError:
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ConnectionFailed(host, Texts.CauseProxy(l), l), attempts: attempts);
            case HttpRequestError.ConnectionError:
                string cause = socket?.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => Texts.CauseRefused(l),
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => Texts.CauseDns(l),
                    SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.NetworkDown => Texts.CauseUnreachable(l),
                    _ => TextRules.OneLine(socket?.Message ?? ex.Message, 120),
                };
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ConnectionFailed(host, cause, l), attempts: attempts);
            case HttpRequestError.SecureConnectionError:
                var auth = FindInner<AuthenticationException>(ex);
                string detail = auth is null ? Texts.CauseCertificate(l) : $"{Texts.CauseCertificate(l)} ({TextRules.OneLine(auth.Message, 160)})";
                return new SendOutcome(BridgeStatus.TlsFailure, Texts.Tls(host, detail, l), attempts: attempts);
            case HttpRequestError.InvalidResponse:
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ConnectionLost(host, Texts.CauseNotHttp(l), l), attempts: attempts);
            default:
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ConnectionLost(host, Texts.CauseReset(l), l), attempts: attempts);
        }
    }

    private static T? FindInner<T>(Exception ex) where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is T match) return match;
        return null;
    }

    // ---- retry rules ------------------------------------------------------------------------

    /// <summary>
    /// Retries only when the message certainly did not arrive: the connection could not be established, or the
    /// server answered 429/503. Never after a timeout, never for other statuses.
    /// </summary>
    private static ResiliencePipeline<HttpResponseMessage> BuildPipeline(ConnectClientOptions options)
    {
        if (options.MaxRetries <= 0 || options.MaxRetries > 10) return ResiliencePipeline<HttpResponseMessage>.Empty;
        return new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay < TimeSpan.Zero ? TimeSpan.Zero : options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = static args => ValueTask.FromResult(args.Context.Properties.TryGetValue(CallKey, out var call)
                    && ShouldRetry(args.Outcome.Result, args.Outcome.Exception, call, args.Context.CancellationToken)),
                DelayGenerator = static args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
            })
            .Build();
    }

    private static bool ShouldRetry(HttpResponseMessage? result, Exception? exception, Call call, CancellationToken ct)
    {
        if (ct.IsCancellationRequested) return false;
        if (exception is HttpRequestException ex)
            return ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.ProxyTunnelError;
        if (result is not { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable } response) return false;
        // A Retry-After we cannot honour within the overall timeout ends the retries: report the 429/503 now.
        if (RetryAfter(response) is { } wait)
            return Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency) < call.Deadline;
        return true;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null) return null;
        if (header.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    /// <summary>Releases the client's HttpClient wrapper; the shared connection pool stays.</summary>
    public void Dispose()
    {
        if (_ownsHttp) _http?.Dispose();
    }
}
