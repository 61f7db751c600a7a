using System.Collections.Concurrent;
using System.Net;

namespace Connect.Bridge;

/// <summary>
/// One process-wide connection pool per proxy setting, so thousands of sends reuse connections across
/// client instances (and across native senders and COM objects).
/// </summary>
internal static class SharedHandlers
{
    private static readonly ConcurrentDictionary<(string? Url, string? Login, string? Password), SocketsHttpHandler> Handlers = new();

    public static SocketsHttpHandler Get(Uri? proxy, string? proxyLogin, string? proxyPassword) =>
        Handlers.GetOrAdd((proxy?.AbsoluteUri, proxyLogin, proxyPassword), static key => Create(key.Url, key.Login, key.Password));

    private static SocketsHttpHandler Create(string? proxyUrl, string? login, string? password)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,             // a redirect must never turn a POST into a GET or carry credentials elsewhere
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5), // pick up DNS changes
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            ConnectTimeout = Timeout.InfiniteTimeSpan, // the call's overall timeout governs
        };
        if (proxyUrl is not null)
        {
            handler.UseProxy = true;
            handler.Proxy = new WebProxy(new Uri(proxyUrl))
            {
                Credentials = string.IsNullOrEmpty(login) ? null : new NetworkCredential(login, password ?? ""),
            };
        }
        return handler;
    }
}
