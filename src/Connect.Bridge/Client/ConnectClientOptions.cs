using Microsoft.Extensions.Logging;

namespace Connect.Bridge;

/// <summary>Settings of a <see cref="ConnectClient"/>. The client copies them when it is created.</summary>
public sealed class ConnectClientOptions
{
    /// <summary>The production service address.</summary>
    /// <remarks>A read-only field, not a constant: a constant would be compiled into callers and outlive a change here.</remarks>
    public static readonly string DefaultBaseUrl = "https://push.1c-connect.com";

    /// <summary>
    /// Service address; <c>https</c>, or <c>http</c> for loopback hosts (or with <see cref="AllowInsecureHttp"/>). Its path
    /// must not contain <see cref="Password"/> or <see cref="ProxyPassword"/> (4 characters or more; in any case or
    /// percent-encoding): a URL reaches logs and the HTTP client's telemetry, so such an address is refused (-1).
    /// </summary>
    public string BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>API login (HTTP Basic user).</summary>
    public string? Login { get; set; }

    /// <summary>API password. Never logged and never part of an error text.</summary>
    public string? Password { get; set; }

    /// <summary>Time for the whole call including retries. Default 30 s; 1 ms to 1 hour.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Explicit proxy URL; <c>null</c> or empty uses the system proxy. Ignored when an HttpClient is supplied. Like
    /// <see cref="BaseUrl"/>, its path must not contain a password.
    /// </summary>
    public string? ProxyUrl { get; set; }

    /// <summary>Proxy login, when the explicit proxy needs one.</summary>
    public string? ProxyLogin { get; set; }

    /// <summary>Proxy password. Never logged and never part of an error text.</summary>
    public string? ProxyPassword { get; set; }

    /// <summary>
    /// Authenticates to the proxy (the explicit <see cref="ProxyUrl"/> or the system proxy) with the logon of the
    /// process (NTLM/Kerberos through <c>CredentialCache.DefaultCredentials</c>): what a corporate proxy in front of a
    /// Windows 1C server usually wants. <see cref="ProxyLogin"/>, when set, wins. Off by default.
    /// </summary>
    public bool ProxyUseDefaultCredentials { get; set; }

    /// <summary>Retries when the message certainly did not arrive (no connection; 429 or 503). Default 2; 0 disables; at most 10.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>First retry delay; later ones grow exponentially, with jitter. Default 250 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Language of error texts. Default Russian.</summary>
    public ErrorLanguage Language { get; set; } = ErrorLanguage.Russian;

    /// <summary>Allows plain http to non-loopback hosts. Off by default: credentials would travel in clear text.</summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>Receives one line per HTTP attempt (method, path, status, duration, attempt). Authorization is never logged.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// Checks these options as a client would when it is created: null when they are valid, otherwise the one-line
    /// error text (in <see cref="Language"/>) every call of such a client would return with status -1. Like every text
    /// of the library it never contains <see cref="Password"/> or <see cref="ProxyPassword"/>.
    /// </summary>
    public string? Validate() => ClientConfig.Create(this).Error is { } error ? SecretScrubber.ScrubLine(error, Password, ProxyPassword) : null;

    /// <summary>A copy of these options.</summary>
    public ConnectClientOptions Clone() => (ConnectClientOptions)MemberwiseClone();
}
