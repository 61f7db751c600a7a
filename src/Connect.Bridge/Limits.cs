namespace Connect.Bridge;

/// <summary>
/// Limits the core enforces before sending, so an oversized message fails here with a clear text
/// instead of at the server or in the user's app.
/// </summary>
public static class Limits
{
    /// <summary>Maximum message text length in UTF-16 characters.</summary>
    public const int MaxTextLength = 10_000;
    /// <summary>Maximum number of keyboard rows.</summary>
    public const int MaxKeyboardRows = 20;
    /// <summary>Maximum number of buttons in one row.</summary>
    public const int MaxButtonsPerRow = 8;
    /// <summary>Maximum button caption length in characters.</summary>
    public const int MaxButtonTextLength = 128;
    /// <summary>Maximum button id length in characters.</summary>
    public const int MaxButtonIdLength = 256;
    /// <summary>Maximum keyboard text accepted by the parsers, in characters (guards against huge inputs).</summary>
    public const int MaxKeyboardTextLength = 64 * 1024;
    /// <summary>Shortest overall timeout of a call, in milliseconds.</summary>
    public const int MinTimeoutMs = 1;
    /// <summary>Longest overall timeout of a call, in milliseconds (one hour).</summary>
    public const int MaxTimeoutMs = 3_600_000;
    /// <summary>Most retries a call may make.</summary>
    public const int MaxRetries = 10;
    /// <summary>Shortest first retry delay, in milliseconds; also the least wait before any retry (a <c>Retry-After: 0</c> too).</summary>
    public const int MinRetryDelayMs = 10;
    /// <summary>Longest first retry delay, in milliseconds (the backoff never waits longer than this).</summary>
    public const int MaxRetryDelayMs = 30_000;
    /// <summary>Longest login (HTTP Basic user), in characters: the Basic header must stay far below a server's header limit.</summary>
    public const int MaxLoginLength = 256;
    /// <summary>Longest password, in characters.</summary>
    public const int MaxPasswordLength = 1024;
    /// <summary>Longest proxy login, in characters.</summary>
    public const int MaxProxyLoginLength = 256;
    /// <summary>Longest proxy password, in characters.</summary>
    public const int MaxProxyPasswordLength = 1024;
    /// <summary>Longest response header section the client reads, in KiB (.NET's default); a longer one is refused unread.</summary>
    public const int MaxResponseHeadersKiB = 64;
    /// <summary>How much of an error response body is read to find the server's error text.</summary>
    public const int MaxErrorBodyBytes = 16 * 1024;
}
