using System.Net;

namespace Connect.Bridge;

/// <summary>
/// One process-wide connection pool per proxy setting, so thousands of sends reuse connections across
/// client instances (and across native senders and COM objects).
/// </summary>
/// <remarks>
/// The cache is bounded and its key holds no secret. Before, the key was the whole setting, proxy password
/// included, and entries were never removed: every proxy password a process ever tried (a wrong one typed again and
/// again in a 1C loop) stayed in memory for the life of the process, each with its own handler and pool. Now:
/// <list type="bullet">
/// <item>The key is the proxy URL, the proxy login and the two flags. The password is compared, on a lookup, with
/// the credential the handler holds anyway (it must, to answer the proxy's 407), so the cache keeps no copy of it and
/// no value derived from it: a hash would do no better, since a short password is found from an unsalted hash by
/// trying a dictionary, and a keyed hash (HMAC) would load a crypto library into the native library for every user,
/// also those that send to loopback without a proxy.</item>
/// <item>At most <see cref="Capacity"/> handlers are kept, the least recently handed out leaves first. A handler that
/// leaves is not disposed here: clients created with it keep working, and it is collected with the last of them
/// (its idle connections close after <c>PooledConnectionIdleTimeout</c> meanwhile).</item>
/// </list>
/// </remarks>
internal static class SharedHandlers
{
    /// <summary>The most handlers kept: far more distinct proxy settings than one process uses in practice.</summary>
    internal const int Capacity = 16;

    /// <summary>What identifies a pool apart from the proxy password (see the remarks of the class).</summary>
    internal readonly record struct Key(string? Url, string? Login, bool Direct, bool DefaultCredentials)
    {
        /// <summary>The password is sent only with an explicit proxy and a proxy login (<see cref="Create"/>).</summary>
        public bool UsesPassword => Url is not null && !string.IsNullOrEmpty(Login);
    }

    private static readonly Lock Gate = new();
    // Most recently handed out last; a linear scan of at most Capacity entries, once per client created, not per send.
    private static readonly List<(Key Key, SocketsHttpHandler Handler)> Handlers = [];

    /// <remarks><c>direct</c>: No proxy at all (a loopback target without an explicit proxy): the system or environment proxy must not take loopback traffic, as <c>NO_PROXY=localhost,127.0.0.1</c> would say.
    /// <c>defaultCredentials</c>: authenticate to the proxy with the process's logon (NTLM/Kerberos) unless a proxy login is given.</remarks>
    public static SocketsHttpHandler Get(Uri? proxy, string? proxyLogin, string? proxyPassword, bool direct, bool defaultCredentials)
    {
        var key = new Key(proxy?.AbsoluteUri, proxyLogin, direct && proxy is null, defaultCredentials);
        lock (Gate)
        {
            for (int i = Handlers.Count - 1; i >= 0; i--)
            {
                var (candidate, handler) = Handlers[i];
                if (candidate != key || (key.UsesPassword && !SamePassword(handler, proxyPassword))) continue;
                Handlers.RemoveAt(i);
                Handlers.Add((key, handler));
                return handler;
            }
            if (Handlers.Count >= Capacity) Handlers.RemoveAt(0);
            var created = Create(key.Url, key.Login, proxyPassword, key.Direct, key.DefaultCredentials);
            Handlers.Add((key, created));
            return created;
        }
    }

    /// <summary>The keys cached now, least recently used first (for tests).</summary>
    internal static Key[] Keys()
    {
        lock (Gate) return [.. Handlers.Select(e => e.Key)];
    }

    /// <summary>True when the handler's proxy credential carries <paramref name="password"/> (as <see cref="Create"/> set it).</summary>
    private static bool SamePassword(SocketsHttpHandler handler, string? password) =>
        handler.Proxy?.Credentials is NetworkCredential credential && string.Equals(credential.Password, password ?? "", StringComparison.Ordinal);

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
