using System.Text;
using System.Text.Json;

namespace Connect.Bridge;

/// <summary>Turns an HTTP answer into an outcome: the status, the redirect or error text, a bounded read of the error body.</summary>
internal static class ResponseReader
{
    /// <remarks><c>host</c>: The target's host:port, for texts. <c>proxy</c>: The proxy the request went through, or null: a 407 is that proxy's answer.</remarks>
    public static async ValueTask<SendOutcome> ReadAsync(HttpResponseMessage response, int attempts, string host, Uri? proxy, ErrorLanguage l,
        CancellationToken ct, CancellationToken callerToken)
    {
        int status = (int)response.StatusCode;
        if (status is >= 200 and < 300) return new SendOutcome(status, "", attempts: attempts);
        // .NET reads any three digits ("099" as 99, 600..999): outside 100..599 the answer is not HTTP, and what it means is unknown.
        if (status is < 100 or > 599)
            return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.StatusOutOfRange(host, status, l), attempts: attempts);
        if (status == 407)
            return new SendOutcome(status, Texts.ProxyAuthRequired(proxy?.Authority ?? host, l), attempts: attempts);
        if (status is >= 300 and < 400)
            return new SendOutcome(status, Texts.Redirect(status, response.Headers.Location?.OriginalString, l), attempts: attempts);
        string body = await ReadBoundedAsync(response, ct, callerToken).ConfigureAwait(false);
        string? serverError = ServerErrorText(body);
        return new SendOutcome(status, Texts.HttpError(status, serverError, l), serverError, body.Length == 0 ? null : body, attempts);
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
}
