namespace Connect.Bridge.Hosting;

/// <summary>
/// Every setting any surface exposes. Values 1..99 are the native option ids (the same numbers as the header's
/// CB_OPT_* and the Pascal unit's constants; ids are only ever added). Values from 1000 on are settings only some
/// surfaces name (COM properties, CLI options) and are never accepted as native option ids.
/// </summary>
public enum SenderSetting
{
    /// <summary>CB_OPT_BASE_URL: service address; empty restores the default.</summary>
    BaseUrl = 1,
    /// <summary>CB_OPT_LOGIN: API login.</summary>
    Login = 2,
    /// <summary>CB_OPT_PASSWORD: API password (reads back empty).</summary>
    Password = 3,
    /// <summary>CB_OPT_TIMEOUT_MS: overall timeout in whole milliseconds.</summary>
    TimeoutMs = 4,
    /// <summary>CB_OPT_LANGUAGE: "ru" or "en".</summary>
    Language = 5,
    /// <summary>CB_OPT_AUTHOR_ID: author UUID; empty omits it.</summary>
    AuthorId = 6,
    /// <summary>CB_OPT_GENERAL_SETTINGS: a boolean; empty omits the field, false is sent as false.</summary>
    GeneralSettings = 7,
    /// <summary>CB_OPT_PROXY_URL: explicit proxy; empty uses the system proxy.</summary>
    ProxyUrl = 8,
    /// <summary>CB_OPT_PROXY_LOGIN.</summary>
    ProxyLogin = 9,
    /// <summary>CB_OPT_PROXY_PASSWORD (reads back empty).</summary>
    ProxyPassword = 10,
    /// <summary>CB_OPT_MAX_RETRIES: whole number 0..10.</summary>
    MaxRetries = 11,
    /// <summary>CB_OPT_ALLOW_INSECURE_HTTP: a boolean.</summary>
    AllowInsecureHttp = 12,
    /// <summary>CB_OPT_LOG_FILE: a file that receives one scrubbed line per attempt (appended, UTF-8); empty turns it off.</summary>
    LogFile = 13,
    /// <summary>CB_OPT_PROXY_USE_DEFAULT_CREDENTIALS: a boolean; authenticate to the proxy with the process's Windows logon (NTLM/Kerberos).</summary>
    ProxyUseDefaultCredentials = 14,
    /// <summary>CB_OPT_RETRY_DELAY_MS: the first retry delay (the backoff's start) in whole milliseconds.</summary>
    RetryDelayMs = 15,

    /// <summary>The overall timeout in seconds, fractions allowed (COM, CLI, 1C).</summary>
    TimeoutSeconds = 1001,
    /// <summary>The keyboard as JSON; empty clears it.</summary>
    KeyboardJson = 1002,
    /// <summary>The keyboard as rows; empty clears it.</summary>
    KeyboardRows = 1003,
    /// <summary>Whether the COM class / add-in raises on a failed call.</summary>
    ThrowOnError = 1004,
    /// <summary>The first retry delay in seconds, fractions allowed (COM, CLI, 1C).</summary>
    RetryDelaySeconds = 1005,
}
