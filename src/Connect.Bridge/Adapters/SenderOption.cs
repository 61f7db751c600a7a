namespace Connect.Bridge;

/// <summary>Settings of a <see cref="BridgeSender"/> by number, as the native exports pass them (same numbers as CB_OPT_*).</summary>
public enum SenderOption
{
    /// <summary>Service address (text URL).</summary>
    BaseUrl = 1,
    /// <summary>API login.</summary>
    Login = 2,
    /// <summary>API password (reads back empty).</summary>
    Password = 3,
    /// <summary>Overall timeout in milliseconds, decimal text.</summary>
    TimeoutMs = 4,
    /// <summary>"ru" or "en".</summary>
    Language = 5,
    /// <summary>Author UUID, or "" to omit.</summary>
    AuthorId = 6,
    /// <summary>"1" or "0"; "" omits the field.</summary>
    GeneralSettings = 7,
    /// <summary>Explicit proxy URL; "" uses the system proxy.</summary>
    ProxyUrl = 8,
    /// <summary>Proxy login.</summary>
    ProxyLogin = 9,
    /// <summary>Proxy password (reads back empty).</summary>
    ProxyPassword = 10,
    /// <summary>Retry count, decimal text 0..10.</summary>
    MaxRetries = 11,
    /// <summary>"1" or "0".</summary>
    AllowInsecureHttp = 12,
}
