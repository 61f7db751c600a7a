using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Connect.Bridge;

/// <summary>
/// The activity and the instruments of one call. Tags follow the OpenTelemetry HTTP client conventions where they
/// fit (server.address, server.port, http.request.method, http.response.status_code, http.request.resend_count,
/// error.type); no message text, no ids of people, no credentials.
/// </summary>
internal static class BridgeTelemetry
{
    public const string SendMessage = "send_message";
    public const string DropKeyboard = "drop_keyboard";

    private static readonly ActivitySource Source = new(ConnectBridgeDiagnostics.ActivitySourceName, BridgeInfo.Version);
    private static readonly Meter Meter = new(ConnectBridgeDiagnostics.MeterName, BridgeInfo.Version);

    private static readonly Counter<long> Sent = Meter.CreateCounter<long>(ConnectBridgeDiagnostics.MessagesSent, "{call}", "Calls the server answered with 2xx.");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>(ConnectBridgeDiagnostics.MessagesFailed, "{call}", "Calls that did not succeed, by outcome class.");
    private static readonly Counter<long> RetryCount = Meter.CreateCounter<long>(ConnectBridgeDiagnostics.Retries, "{retry}", "HTTP attempts beyond the first.");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram(ConnectBridgeDiagnostics.CallDuration, "s",
        "Duration of a whole call including retries.", tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30] });

    /// <summary>False when nobody listens: the call then skips the traced path and costs nothing extra.</summary>
    public static bool IsActive => Source.HasListeners() || Sent.Enabled || Failed.Enabled || RetryCount.Enabled || Duration.Enabled;

    /// <summary>Runs a call inside its activity and records the outcome; the activity is current for the HTTP attempts.</summary>
    public static async Task<SendOutcome> TraceAsync(string operation, Uri? server, Func<Task<SendOutcome>> call)
    {
        using var activity = Source.StartActivity(operation == SendMessage ? "SendMessageLine" : "DropKeyboard", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("connect_bridge.operation", operation);
            activity.SetTag("http.request.method", "POST");
            if (server is not null)
            {
                activity.SetTag("server.address", server.Host);
                activity.SetTag("server.port", server.Port);
            }
        }
        long started = Stopwatch.GetTimestamp();
        SendOutcome outcome;
        try
        {
            outcome = await call().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Record(activity, operation, server, "canceled", "canceled", 0, 0, started);
            throw;
        }
        string outcomeClass = Classify(outcome.Status);
        string? errorType = outcome.IsSuccess ? null : outcome.Status > 0 ? outcome.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : outcomeClass;
        Record(activity, operation, server, outcomeClass, errorType, outcome.Status, outcome.Attempts, started);
        return outcome;
    }

    private static void Record(Activity? activity, string operation, Uri? server, string outcomeClass, string? errorType, int status, int attempts, long started)
    {
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var tags = new TagList { { "connect_bridge.operation", operation }, { "connect_bridge.outcome", outcomeClass } };
        if (server is not null)
        {
            tags.Add("server.address", server.Host);
            tags.Add("server.port", server.Port);
        }
        if (status > 0) tags.Add("http.response.status_code", status);
        if (errorType is not null) tags.Add("error.type", errorType);
        Duration.Record(seconds, tags);
        if (errorType is null) Sent.Add(1, tags);
        else Failed.Add(1, tags);
        if (attempts > 1) RetryCount.Add(attempts - 1, tags);

        if (activity is null) return;
        activity.SetTag("connect_bridge.outcome", outcomeClass);
        activity.SetTag("connect_bridge.status", status);
        activity.SetTag("connect_bridge.attempts", attempts);
        if (status > 0) activity.SetTag("http.response.status_code", status);
        if (attempts > 1) activity.SetTag("http.request.resend_count", attempts - 1);
        if (errorType is not null)
        {
            activity.SetTag("error.type", errorType);
            // The description is the class only: an error text may quote a line or user id.
            activity.SetStatus(ActivityStatusCode.Error, outcomeClass);
        }
    }

    /// <summary>The outcome class of a status: low-cardinality, the same words as the README's status table.</summary>
    public static string Classify(int status) => status switch
    {
        >= 200 and < 300 => "success",
        >= 300 and < 400 => "redirect",
        >= 400 and < 500 => "client_error",
        >= 500 => "server_error",
        BridgeStatus.InvalidArgument => "invalid_argument",
        BridgeStatus.ConnectionFailed => "connection_failed",
        BridgeStatus.Timeout => "timeout",
        BridgeStatus.TlsFailure => "tls_failure",
        _ => "internal_error",
    };
}
