namespace Connect.Bridge;

/// <summary>
/// Names of the library's <see cref="System.Diagnostics.ActivitySource"/>, <see cref="System.Diagnostics.Metrics.Meter"/>
/// and instruments, for <c>AddSource</c> / <c>AddMeter</c> in OpenTelemetry or an own listener.
/// Tags never carry message text, line or user ids, logins or passwords.
/// </summary>
public static class ConnectBridgeDiagnostics
{
    /// <summary>The activity source: one client activity per send or keyboard drop.</summary>
    public const string ActivitySourceName = "Connect.Bridge";

    /// <summary>The meter holding the instruments below.</summary>
    public const string MeterName = "Connect.Bridge";

    /// <summary>Counter: calls the server answered with 2xx.</summary>
    public const string MessagesSent = "connect_bridge.messages.sent";

    /// <summary>Counter: calls that failed, tagged with <c>connect_bridge.outcome</c> and <c>error.type</c>.</summary>
    public const string MessagesFailed = "connect_bridge.messages.failed";

    /// <summary>Counter: HTTP attempts beyond the first (the retry rule's retries).</summary>
    public const string Retries = "connect_bridge.retries";

    /// <summary>Histogram, seconds: the whole call including validation and retries.</summary>
    public const string CallDuration = "connect_bridge.call.duration";
}
