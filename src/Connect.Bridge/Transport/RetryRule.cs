using System.Net;

namespace Connect.Bridge;

/// <summary>
/// The retry rule, its backoff and its Retry-After handling, in one place: retry only when the message certainly
/// did not arrive (no connection could be made, or the server answered 429/503), never after a timeout, never for
/// other statuses, and never when the server's Retry-After does not fit in the overall timeout.
/// </summary>
/// <remarks>
/// A plain loop, not Polly: once the first attempt had to run outside the Polly pipeline (BenchmarkDotNet,
/// bench/Connect.Bridge.Benchmarks: entering the pipeline on every call cost several µs per message, a third of the
/// library's own share of a send), Polly was left with computing a jittered delay for the rare retried call, at the
/// price of a dependency, a first-outcome hand-over into the pipeline and trimming weight in the native library.
/// After the removal the same benchmark allocates the same 2.2 KB per send: the success path never touched Polly.
/// </remarks>
internal static class RetryRule
{
    /// <summary>Runs the first attempt and, while the rule allows, retries after the backoff or the server's Retry-After.</summary>
    /// <remarks><c>time</c>: The one clock of the rule: the waits run on it, and Retry-After dates and the call's
    /// deadline (<see cref="LineCall.Deadline"/>, a timestamp of this clock) are read on it (the system clock; tests pass a
    /// fake one to see the waits without waiting).</remarks>
    public static async ValueTask<HttpResponseMessage> SendAsync(LineCall call, int maxRetries, TimeSpan retryDelay,
        Func<LineCall, CancellationToken, ValueTask<HttpResponseMessage>> attempt, TimeProvider time, CancellationToken ct)
    {
        for (int retry = 0; ; retry++)
        {
            HttpResponseMessage? response = null;
            HttpRequestException? error = null;
            call.NoConnection = null;
            call.LastAnswer = 0;
            try
            {
                response = await attempt(call, ct).ConfigureAwait(false);
                call.LastAnswer = (int)response.StatusCode;
            }
            catch (HttpRequestException ex)
            {
                error = ex;
            }

            if (retry >= maxRetries || !ShouldRetry(response, error, call, time, ct))
            {
                if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
                return response!;
            }

            // Only failures that certainly sent nothing are retried: a timeout that ends the backoff reports this one.
            call.NoConnection = error;
            TimeSpan delay = Wait(response, retryDelay, retry, time);
            response?.Dispose();
            await Task.Delay(delay, time, ct).ConfigureAwait(false); // the overall timeout cuts a backoff short (the caller reports the last answer)
        }
    }

    /// <summary>
    /// The wait before retry number <paramref name="retry"/>: the server's Retry-After when it asks for longer than
    /// the backoff, else the backoff, and never less than <see cref="Limits.MinRetryDelayMs"/> (a <c>Retry-After: 0</c>
    /// must not turn ten retries into a burst).
    /// </summary>
    public static TimeSpan Wait(HttpResponseMessage? response, TimeSpan retryDelay, int retry, TimeProvider time)
    {
        TimeSpan backoff = Backoff(retryDelay, retry);
        TimeSpan wait = RetryAfter(response, time) is { } asked && asked > backoff ? asked : backoff;
        var floor = TimeSpan.FromMilliseconds(Limits.MinRetryDelayMs);
        return wait < floor ? floor : wait;
    }

    /// <summary>True when the outcome of an attempt certainly did not deliver the message and a retry fits in the timeout.</summary>
    public static bool ShouldRetry(HttpResponseMessage? result, Exception? exception, LineCall call, TimeProvider time, CancellationToken ct)
    {
        if (ct.IsCancellationRequested) return false;
        if (exception is HttpRequestException ex)
            return ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.ProxyTunnelError;
        if (result is not { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable } response) return false;
        // A Retry-After we cannot honour within the overall timeout ends the retries: report the 429/503 now.
        if (RetryAfter(response, time) is { } wait)
            return wait < TimeSpan.FromMilliseconds(Limits.MaxTimeoutMs)
                && time.GetTimestamp() + (long)(wait.TotalSeconds * time.TimestampFrequency) < call.Deadline;
        return true;
    }

    /// <summary>Exponential backoff from the first delay (x2 per retry, capped at 30 s), with ±25 % jitter so clients do not retry in step.</summary>
    public static TimeSpan Backoff(TimeSpan first, int retry)
    {
        if (first <= TimeSpan.Zero) return TimeSpan.Zero;
        double ms = Math.Min(first.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 16)), Limits.MaxRetryDelayMs);
        return TimeSpan.FromMilliseconds(ms * (0.75 + (Random.Shared.NextDouble() * 0.5)));
    }

    /// <summary>
    /// The server's Retry-After (seconds or a date), never negative; null when absent or not readable (then the
    /// backoff applies). A number of seconds too large to read means "not within any timeout": <see cref="TimeSpan.MaxValue"/>.
    /// </summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        if (response is null) return null;
        var header = response.Headers.RetryAfter;
        if (header is null)
        {
            // .NET drops a delta-seconds value beyond its range; RFC 9110 allows any number of digits, so read it as "very long".
            if (response.Headers.NonValidated.TryGetValues("Retry-After", out var raw)
                && raw.FirstOrDefault()?.Trim() is { Length: > 0 } text && text.All(char.IsAsciiDigit))
                return TimeSpan.MaxValue;
            return null;
        }
        if (header.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }
}
