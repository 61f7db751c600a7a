using System.Net.Sockets;
using System.Security.Authentication;

namespace Connect.Bridge;

/// <summary>Maps a transport exception to a status (-2 connection, -4 TLS) and a text naming the host and the cause.</summary>
internal static class FailureClassifier
{
    public static SendOutcome Classify(HttpRequestException ex, string host, int attempts, ErrorLanguage l)
    {
        var socket = FindInner<SocketException>(ex);
        switch (ex.HttpRequestError)
        {
            case HttpRequestError.NameResolutionError:
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ConnectionFailed(host, Texts.CauseDns(l), l), attempts: attempts);
            case HttpRequestError.ProxyTunnelError:
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ConnectionFailed(host, Texts.CauseProxy(l), l), attempts: attempts);
            case HttpRequestError.ConnectionError:
                string cause = socket?.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => Texts.CauseRefused(l),
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => Texts.CauseDns(l),
                    SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.NetworkDown => Texts.CauseUnreachable(l),
                    _ => TextRules.OneLine(socket?.Message ?? ex.Message, 120),
                };
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ConnectionFailed(host, cause, l), attempts: attempts);
            case HttpRequestError.SecureConnectionError:
                var auth = FindInner<AuthenticationException>(ex);
                string detail = auth is null ? Texts.CauseCertificate(l) : $"{Texts.CauseCertificate(l)} ({TextRules.OneLine(auth.Message, 160)})";
                return new SendOutcome(BridgeStatus.TlsFailure, Texts.Tls(host, detail, l), attempts: attempts);
            case HttpRequestError.InvalidResponse:
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ConnectionLost(host, Texts.CauseNotHttp(l), l), attempts: attempts);
            default:
                return new SendOutcome(BridgeStatus.ConnectionFailed, Texts.ConnectionLost(host, Texts.CauseReset(l), l), attempts: attempts);
        }
    }

    private static T? FindInner<T>(Exception ex) where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is T match) return match;
        return null;
    }
}
