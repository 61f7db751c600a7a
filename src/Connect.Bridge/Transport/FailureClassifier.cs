using System.Net.Sockets;
using System.Security.Authentication;

namespace Connect.Bridge;

/// <summary>Maps a transport exception to a status (-2 connection, -4 TLS) and a text naming the host and the cause.</summary>
internal static class FailureClassifier
{
    /// <remarks><c>proxy</c>: The proxy the request went through, or null: with a proxy, a connection that could not be made is the proxy's.</remarks>
    public static SendOutcome Classify(HttpRequestException ex, string host, Uri? proxy, int attempts, ErrorLanguage l)
    {
        var socket = FindInner<SocketException>(ex);
        switch (ex.HttpRequestError)
        {
            case HttpRequestError.NameResolutionError when proxy is not null:
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ProxyConnectionFailed(proxy.Authority, Texts.CauseDns(l), l), attempts: attempts);
            case HttpRequestError.NameResolutionError:
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ConnectionFailed(host, Texts.CauseDns(l), l), attempts: attempts);
            case HttpRequestError.ProxyTunnelError when ex.StatusCode == System.Net.HttpStatusCode.ProxyAuthenticationRequired || ex.Message.Contains("'407'", StringComparison.Ordinal):
                // The proxy answered the CONNECT with 407: its answer, with its own text.
                return new SendOutcome(407, Texts.ProxyAuthRequired(proxy?.Authority ?? host, l), attempts: attempts);
            case HttpRequestError.ProxyTunnelError:
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ProxyTunnelFailed(proxy?.Authority ?? "?", host, l), attempts: attempts);
            case HttpRequestError.ConnectionError when proxy is not null:
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ProxyConnectionFailed(proxy.Authority, Cause(socket, ex, l), l), attempts: attempts);
            case HttpRequestError.ConnectionError:
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ConnectionFailed(host, Cause(socket, ex, l), l), attempts: attempts);
            case HttpRequestError.SecureConnectionError when !IsCertificateFailure(ex):
                return new SendOutcome(BridgeStatus.TlsFailure, Texts.TlsHandshake(host, l), attempts: attempts);
            case HttpRequestError.SecureConnectionError:
                var auth = FindInner<AuthenticationException>(ex);
                string detail = auth is null ? Texts.CauseCertificate(l) : $"{Texts.CauseCertificate(l)} ({SecretScrubber.Fragment(TextRules.OneLine(auth.Message, 160))})";
                return new SendOutcome(BridgeStatus.TlsFailure, Texts.Tls(host, detail, l), attempts: attempts);
            case HttpRequestError.ConfigurationLimitExceeded:
                // Only the response headers have a client limit: the server did answer, its status is unread.
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.HeadersTooLarge(host, l), attempts: attempts);
            case HttpRequestError.InvalidResponse:
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ConnectionLost(host, Texts.CauseNotHttp(l), l), attempts: attempts);
            case HttpRequestError.Unknown or HttpRequestError.ResponseEnded when proxy is not null:
                // The socket is the proxy's: a reset there (at its first byte, or after) is the proxy's to report. A CONNECT
                // that broke cannot be told from a tunnel that broke later, so delivery stays unknown (never retried).
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ProxyConnectionLost(proxy.Authority, host, Texts.CauseProxyReset(l), l), attempts: attempts);
            default:
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ConnectionLost(host, Texts.CauseReset(l), l), attempts: attempts);
        }
    }

    private static string Cause(SocketException? socket, HttpRequestException ex, ErrorLanguage l) => socket?.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => Texts.CauseRefused(l),
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => Texts.CauseDns(l),
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.NetworkDown => Texts.CauseUnreachable(l),
        _ => SecretScrubber.Fragment(TextRules.OneLine(socket?.Message ?? ex.Message, 120)),
    };

    /// <summary>
    /// True when the handshake got as far as the server's certificate and that certificate was refused: SslStream then
    /// throws an AuthenticationException whose text is about the remote certificate (the framework's texts are kept in
    /// the native build too). A server that is not TLS ("corrupted frame"), or one that resets the handshake (an
    /// IOException), is a broken handshake, not a certificate problem.
    /// </summary>
    /// With no AuthenticationException, a broken handshake shows as an IOException (reset, early end); Wine's schannel,
    /// which fails sending the alert for a certificate .NET rejected (SEC_E_UNSUPPORTED_FUNCTION), shows as neither and
    /// stays a certificate failure (without the detail).
    private static bool IsCertificateFailure(HttpRequestException ex) =>
        FindInner<AuthenticationException>(ex) is { } auth
            ? auth.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase)
            : FindInner<IOException>(ex) is null;

    private static T? FindInner<T>(Exception ex) where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is T match) return match;
        return null;
    }
}
