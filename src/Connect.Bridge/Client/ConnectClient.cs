using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

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

    private readonly ConnectClientOptions _options;
    private readonly ClientConfig _config;
    // On the shared pool an HttpMessageInvoker, not an HttpClient: HttpClient adds a linked CancellationTokenSource
    // with two registrations and one more async level per request, for features this client does not use (its own
    // timeout, CancelPendingRequests, default headers). Profiled in bench/NOTES.md ("Profile").
    private readonly HttpMessageInvoker? _http;
    private readonly bool _ownsHttp;
    private readonly TimeoutSources _timeouts = new();

    /// <summary>Creates a client on the shared connection pool.</summary>
    public ConnectClient(ConnectClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _config = ClientConfig.Create(_options);
        if (_config.Error is null)
        {
            var handler = SharedHandlers.Get(_config.Proxy, _options.ProxyLogin, _options.ProxyPassword, _config.LoopbackTarget, _options.ProxyUseDefaultCredentials);
            _http = new HttpMessageInvoker(handler, disposeHandler: false);
            _ownsHttp = true;
        }
    }

    /// <summary>
    /// Creates a client over a caller-supplied <see cref="HttpClient"/> (for IHttpClientFactory users). Proxy options are
    /// then ignored; give it a handler from <see cref="ConnectHttpHandler.CreatePrimaryHandler"/> (no redirects, the
    /// proxy options, pooled connections with a lifetime) and an infinite <see cref="HttpClient.Timeout"/> (the
    /// client's own <see cref="ConnectClientOptions.Timeout"/> governs).
    /// </summary>
    public ConnectClient(HttpClient httpClient, ConnectClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _config = ClientConfig.Create(_options);
        _http = httpClient;
    }

    /// <summary>
    /// The clock of the retry rule: its waits, Retry-After dates and the deadline they are measured against (tests
    /// substitute a fake one to observe the waits without waiting). The overall timeout itself runs on the system clock.
    /// </summary>
    internal TimeProvider Time { get; init; } = TimeProvider.System;

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
        SendMessageCoreAsync(message, cancellationToken);

    /// <inheritdoc/>
    public SendOutcome TrySendMessage(LineMessage message, CancellationToken cancellationToken = default) =>
        SyncWait.Result(SendMessageCoreAsync(message, cancellationToken));

    /// <inheritdoc/>
    public Task<SendOutcome> TryDropKeyboardAsync(string lineId, string userId, CancellationToken cancellationToken = default) =>
        DropKeyboardCoreAsync(lineId, userId, cancellationToken);

    /// <inheritdoc/>
    public SendOutcome TryDropKeyboard(string lineId, string userId, CancellationToken cancellationToken = default) =>
        SyncWait.Result(DropKeyboardCoreAsync(lineId, userId, cancellationToken));

    // Task, not ValueTask, from here down to PostAsync: every public method hands out a Task, and a ValueTask of an
    // async method that suspended costs one more object and one more continuation to become one (AsTask).
    private Task<SendOutcome> SendMessageCoreAsync(LineMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        return BridgeTelemetry.IsActive
            ? BridgeTelemetry.TraceAsync(BridgeTelemetry.SendMessage, _config.SendMessageUri, () => SendMessageUntracedAsync(message, ct))
            : SendMessageUntracedAsync(message, ct);
    }

    private Task<SendOutcome> SendMessageUntracedAsync(LineMessage message, CancellationToken ct)
    {
        WireMessage? wire = null;
        string? error = _config.Error ?? MessageValidator.Validate(message, _options.Language, out wire);
        if (error is not null) return Task.FromResult(Reject(error));
        byte[] body = WireJson.Write(wire!);
        return PostAsync(_config.SendMessageUri, body, ct);
    }

    private Task<SendOutcome> DropKeyboardCoreAsync(string lineId, string userId, CancellationToken ct) =>
        BridgeTelemetry.IsActive
            ? BridgeTelemetry.TraceAsync(BridgeTelemetry.DropKeyboard, _config.DropKeyboardUri, () => DropKeyboardUntracedAsync(lineId, userId, ct))
            : DropKeyboardUntracedAsync(lineId, userId, ct);

    private Task<SendOutcome> DropKeyboardUntracedAsync(string lineId, string userId, CancellationToken ct)
    {
        WireDropKeyboard? wire = null;
        string? error = _config.Error ?? MessageValidator.ValidateDrop(lineId, userId, _options.Language, out wire);
        if (error is not null) return Task.FromResult(Reject(error));
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(wire!, WireJson.Context.WireDropKeyboard);
        return PostAsync(_config.DropKeyboardUri, body, ct);
    }

    /// <summary>The request body this client would send for a message, or null when the message is invalid (for tests and tools).</summary>
    internal static byte[]? SerializeMessage(LineMessage message, ErrorLanguage language = ErrorLanguage.Russian) =>
        MessageValidator.Validate(message, language, out var wire) is null ? WireJson.Write(wire!) : null;

    private SendOutcome Reject(string error)
    {
        // Scrubbed first: the log line is the outcome's text, so it can hold no more than the outcome does.
        var outcome = Scrub(SendOutcome.Invalid(error));
        if (_options.Logger is { } logger) Log.Rejected(logger, outcome.ErrorText);
        return outcome;
    }

    // The Basic token is the password in reversible form: a server that echoes the Authorization header leaks it too.
    private SendOutcome Scrub(SendOutcome outcome) =>
        outcome.WithoutSecret(_options.Password).WithoutSecret(_options.ProxyPassword).WithoutSecret(_config.Authorization?.Parameter);

    /// <summary>Log arguments taken from settings (the path of BaseUrl) get the same scrubbing as the texts.</summary>
    private string ScrubLog(string text) =>
        SecretScrubber.ScrubForeign(Uri.UnescapeDataString(text), _options.Password, _options.ProxyPassword, _config.Authorization?.Parameter);

    // ---- the wire: the retry rule is RetryRule, answers are read by ResponseReader, failures by FailureClassifier ----

    private async Task<SendOutcome> PostAsync(Uri uri, byte[] body, CancellationToken ct)
    {
        var l = _options.Language;
        var timeout = _timeouts.Rent(ct, _options.Timeout);
        // The deadline is on the clock the retry rule reads (Time), so a Retry-After is measured against it on one clock.
        var call = new LineCall(uri, body, Time.GetTimestamp() + (long)(_options.Timeout.TotalSeconds * Time.TimestampFrequency));
        SendOutcome outcome;
        try
        {
            using var response = await RetryRule.SendAsync(call, _options.MaxRetries, _options.RetryDelay, AttemptAsync, Time, timeout.Token).ConfigureAwait(false);
            outcome = await ResponseReader.ReadAsync(response, call.Attempts, _config.Host, _config.ProxyFor(uri), l, timeout.Token, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (HttpRequestException ex) when (ct.IsCancellationRequested)
        {
            // As HttpClient does: a transport failure after the caller cancelled is that cancellation.
            throw new TaskCanceledException(ex.Message, ex, ct);
        }
        catch (Exception ex) when (IsTimeout(ex, timeout) && call.LastAnswer != 0)
        {
            // The timeout ended a retry backoff: the server did answer (429/503), so that answer is the outcome, not "no answer".
            outcome = new SendOutcome(call.LastAnswer, Texts.HttpError(call.LastAnswer, null, l), attempts: call.Attempts);
        }
        catch (Exception ex) when (IsTimeout(ex, timeout) && call.NoConnection is { } noConnection)
        {
            // The timeout ended the backoff after a failure that sent nothing (refused, DNS): not delivered, not "unknown".
            outcome = FailureClassifier.Classify(noConnection, _config.Host, _config.ProxyFor(uri), call.Attempts, l);
        }
        catch (Exception ex) when (IsTimeout(ex, timeout))
        {
            // A transport failure once the timeout fired is the timeout (as HttpClient reported it before the invoker).
            outcome = new SendOutcome(BridgeStatus.Timeout, Texts.Timeout(_options.Timeout, l), attempts: call.Attempts);
        }
        catch (HttpRequestException ex)
        {
            outcome = FailureClassifier.Classify(ex, _config.Host, _config.ProxyFor(uri), call.Attempts, l);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            outcome = new SendOutcome(BridgeStatus.InternalError, Texts.Internal(ex.GetType().Name, l), attempts: call.Attempts);
        }
        finally
        {
            _timeouts.Return(timeout);
        }
        return Scrub(outcome);
    }

    private static bool IsTimeout(Exception ex, CancellationTokenSource timeout) =>
        ex is OperationCanceledException || (ex is HttpRequestException && timeout.IsCancellationRequested);

    /// <summary>One HTTP attempt, logged when a logger is set (path, status or failure, duration, attempt number; never the Authorization header).</summary>
    private ValueTask<HttpResponseMessage> AttemptAsync(LineCall call, CancellationToken ct)
    {
        call.Attempts++;
        var request = new HttpRequestMessage(HttpMethod.Post, call.Uri)
        {
            Content = new ByteArrayContent(call.Body),
            Version = HttpVersion.Version11,
        };
        request.Content.Headers.ContentType = JsonContentType;
        request.Headers.Accept.Add(JsonAccept);
        request.Headers.Authorization = _config.Authorization;
        // Without a logger there is nothing to do after the answer: the handler's task is the attempt (no async level).
        return _options.Logger is { } logger ? LoggedAsync(request, call, logger, ct) : new ValueTask<HttpResponseMessage>(SendAsync(request, ct));
    }

    private async ValueTask<HttpResponseMessage> LoggedAsync(HttpRequestMessage request, LineCall call, Microsoft.Extensions.Logging.ILogger logger, CancellationToken ct)
    {
        int attempt = call.Attempts;
        long started = Stopwatch.GetTimestamp();
        try
        {
            var response = await SendAsync(request, ct).ConfigureAwait(false);
            Log.Attempt(logger, ScrubLog(call.Uri.AbsolutePath), (int)response.StatusCode, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, attempt);
            return response;
        }
        catch (Exception ex)
        {
            Log.AttemptFailed(logger, ScrubLog(call.Uri.AbsolutePath), ex.GetType().Name, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, attempt);
            throw;
        }
    }

    /// <summary>
    /// Sends one request and returns once the headers are read (the body stays unread: an error body is read bounded).
    /// A caller's HttpClient is told so; an invoker on the shared handler always does.
    /// </summary>
    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
        _http is HttpClient client ? client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct) : _http!.SendAsync(request, ct);

    /// <summary>Releases the client's HttpClient wrapper; the shared connection pool stays.</summary>
    public void Dispose()
    {
        if (_ownsHttp) _http?.Dispose();
    }
}
