namespace Connect.Bridge;

/// <summary>
/// Limits the core enforces before sending, so an oversized message fails here with a clear text
/// instead of at the server or in the user's app.
/// </summary>
/// <remarks>
/// Read-only fields, not constants: a constant is copied into every caller's assembly when it is compiled, so a
/// program built against one version would keep checking the old bound after the library changed it.
/// </remarks>
public static class Limits
{
    /// <summary>Maximum message text length in UTF-16 characters.</summary>
    public static readonly int MaxTextLength = 10_000;
    /// <summary>Maximum number of keyboard rows.</summary>
    public static readonly int MaxKeyboardRows = 20;
    /// <summary>Maximum number of buttons in one row.</summary>
    public static readonly int MaxButtonsPerRow = 8;
    /// <summary>Maximum button caption length in characters.</summary>
    public static readonly int MaxButtonTextLength = 128;
    /// <summary>Maximum button id length in characters.</summary>
    public static readonly int MaxButtonIdLength = 256;
    /// <summary>Maximum keyboard text accepted by the parsers, in characters (guards against huge inputs).</summary>
    public static readonly int MaxKeyboardTextLength = 64 * 1024;
    /// <summary>Shortest overall timeout of a call, in milliseconds.</summary>
    public static readonly int MinTimeoutMs = 1;
    /// <summary>Longest overall timeout of a call, in milliseconds (one hour).</summary>
    public static readonly int MaxTimeoutMs = 3_600_000;
    /// <summary>Most retries a call may make.</summary>
    public static readonly int MaxRetries = 10;
    /// <summary>Shortest first retry delay, in milliseconds; also the least wait before any retry (a <c>Retry-After: 0</c> too).</summary>
    public static readonly int MinRetryDelayMs = 10;
    /// <summary>Longest first retry delay, in milliseconds (the backoff never waits longer than this).</summary>
    public static readonly int MaxRetryDelayMs = 30_000;
    /// <summary>Longest login (HTTP Basic user), in characters: the Basic header must stay far below a server's header limit.</summary>
    public static readonly int MaxLoginLength = 256;
    /// <summary>Longest password, in characters.</summary>
    public static readonly int MaxPasswordLength = 1024;
    /// <summary>Longest proxy login, in characters.</summary>
    public static readonly int MaxProxyLoginLength = 256;
    /// <summary>Longest proxy password, in characters.</summary>
    public static readonly int MaxProxyPasswordLength = 1024;
    /// <summary>Longest response header section the client reads, in KiB (.NET's default); a longer one is refused unread.</summary>
    public static readonly int MaxResponseHeadersKiB = 64;
    /// <summary>How much of an error response body is read to find the server's error text.</summary>
    public static readonly int MaxErrorBodyBytes = 16 * 1024;
}
