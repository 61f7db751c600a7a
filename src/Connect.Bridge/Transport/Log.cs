using Microsoft.Extensions.Logging;

namespace Connect.Bridge;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "POST {Path} -> {Status} in {ElapsedMs} ms (attempt {Attempt})")]
    public static partial void Attempt(ILogger logger, string path, int status, long elapsedMs, int attempt);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "POST {Path} -> {Failure} after {ElapsedMs} ms (attempt {Attempt})")]
    public static partial void AttemptFailed(ILogger logger, string path, string failure, long elapsedMs, int attempt);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Rejected before sending: {Reason}")]
    public static partial void Rejected(ILogger logger, string reason);
}
