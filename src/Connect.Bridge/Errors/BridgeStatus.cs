namespace Connect.Bridge;

/// <summary>
/// Status codes for outcomes where the server gave no HTTP answer. When the server answered, the status is
/// the HTTP status (2xx is success). COM and the native exports return these numbers unchanged.
/// </summary>
public static class BridgeStatus
{
    /// <summary>-1: an argument or option is invalid; nothing was sent.</summary>
    public const int InvalidArgument = -1;
    /// <summary>-2: the connection failed (DNS, refused, unreachable, proxy) or broke before an answer.</summary>
    public const int ConnectionFailed = -2;
    /// <summary>-3: no answer within the timeout; delivery is unknown.</summary>
    public const int Timeout = -3;
    /// <summary>-4: TLS or certificate failure; not delivered.</summary>
    public const int TlsFailure = -4;
    /// <summary>-5: an internal error in the library.</summary>
    public const int InternalError = -5;
}
