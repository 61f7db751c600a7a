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
    /// <summary>How much of an error response body is read to find the server's error text.</summary>
    public const int MaxErrorBodyBytes = 16 * 1024;
}
