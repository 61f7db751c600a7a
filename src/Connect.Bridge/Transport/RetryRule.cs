using System.Diagnostics;
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
    public static async ValueTask<HttpResponseMessage> SendAsync(LineCall call, int maxRetries, TimeSpan retryDelay,
        Func<LineCall, CancellationToken, ValueTask<HttpResponseMessage>> attempt, CancellationToken ct)
    {
        for (int retry = 0; ; retry++)
        {
            HttpResponseMessage? response = null;
            HttpRequestException? error = null;
            try
            {
                response = await attempt(call, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                error = ex;
            }

            if (retry >= maxRetries || !ShouldRetry(response, error, call, ct))
            {
                if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
                return response!;
            }

            TimeSpan delay = RetryAfter(response) ?? Backoff(retryDelay, retry);
            response?.Dispose();
            await Task.Delay(delay, ct).ConfigureAwait(false); // the overall timeout cuts a backoff short (the caller reports the last answer)
        }
    }

    /// <summary>True when the outcome of an attempt certainly did not deliver the message and a retry fits in the timeout.</summary>
    public static bool ShouldRetry(HttpResponseMessage? result, Exception? exception, LineCall call, CancellationToken ct)
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

    /// <summary>Exponential backoff from the first delay (x2 per retry, capped at 30 s), with ±25 % jitter so clients do not retry in step.</summary>
    public static TimeSpan Backoff(TimeSpan first, int retry)
    {
        if (first <= TimeSpan.Zero) return TimeSpan.Zero;
        double ms = Math.Min(first.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 16)), 30_000);
        return TimeSpan.FromMilliseconds(ms * (0.75 + (Random.Shared.NextDouble() * 0.5)));
    }

    /// <summary>The server's Retry-After (seconds or a date), never negative; null when absent.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage? response)
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
}
