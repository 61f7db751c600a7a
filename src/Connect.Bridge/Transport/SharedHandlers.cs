using System.Collections.Concurrent;
using System.Net;

namespace Connect.Bridge;

/// <summary>
/// One process-wide connection pool per proxy setting, so thousands of sends reuse connections across
/// client instances (and across native senders and COM objects).
/// </summary>
internal static class SharedHandlers
{
    private static readonly ConcurrentDictionary<(string? Url, string? Login, string? Password, bool Direct, bool DefaultCredentials), SocketsHttpHandler> Handlers = new();

    /// <remarks><c>direct</c>: No proxy at all (a loopback target without an explicit proxy): the system or environment proxy must not take loopback traffic, as <c>NO_PROXY=localhost,127.0.0.1</c> would say.
    /// <c>defaultCredentials</c>: authenticate to the proxy with the process's logon (NTLM/Kerberos) unless a proxy login is given.</remarks>
    public static SocketsHttpHandler Get(Uri? proxy, string? proxyLogin, string? proxyPassword, bool direct, bool defaultCredentials) =>
        Handlers.GetOrAdd((proxy?.AbsoluteUri, proxyLogin, proxyPassword, direct && proxy is null, defaultCredentials),
            static key => Create(key.Url, key.Login, key.Password, key.Direct, key.DefaultCredentials));

    /// <summary>A new handler with the transport rules (also the primary handler of IHttpClientFactory clients).</summary>
    internal static SocketsHttpHandler Create(string? proxyUrl, string? login, string? password, bool direct, bool defaultCredentials)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,             // a redirect must never turn a POST into a GET or carry credentials elsewhere
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5), // pick up DNS changes
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            ConnectTimeout = Timeout.InfiniteTimeSpan, // the call's overall timeout governs
            MaxResponseHeadersLength = Limits.MaxResponseHeadersKiB,
        };
        if (direct) handler.UseProxy = false;
        else if (defaultCredentials) handler.DefaultProxyCredentials = CredentialCache.DefaultCredentials; // the system proxy
        if (proxyUrl is not null)
        {
            handler.UseProxy = true;
            handler.Proxy = new WebProxy(new Uri(proxyUrl))
            {
                Credentials = !string.IsNullOrEmpty(login) ? new NetworkCredential(login, password ?? "")
                    : defaultCredentials ? CredentialCache.DefaultCredentials
                    : null,
            };
        }
        return handler;
    }
}
