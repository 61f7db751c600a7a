namespace Connect.Bridge;

/// <summary>
/// The transport rules as a handler, for an <see cref="HttpClient"/> you create or one from IHttpClientFactory:
/// redirects are never followed (a POST must not turn into a GET or carry credentials elsewhere), no cookies, pooled
/// connections with a lifetime (DNS changes are picked up), and the proxy options. Each call returns a new handler,
/// so a factory that rotates handlers gets the same rules every time.
/// </summary>
public static class ConnectHttpHandler
{
    /// <summary>
    /// A new primary handler for the given options (only their proxy settings matter here). Throws
    /// <see cref="ArgumentException"/> with the core's error text when the options are invalid (see
    /// <see cref="ConnectClientOptions.Validate"/>).
    /// </summary>
    public static HttpMessageHandler CreatePrimaryHandler(ConnectClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = ClientConfig.Create(options);
        if (config.Error is not null) throw new ArgumentException(config.Error, nameof(options));
        return SharedHandlers.Create(config.Proxy?.AbsoluteUri, options.ProxyLogin, options.ProxyPassword, direct: config.Proxy is null && config.LoopbackTarget,
            defaultCredentials: options.ProxyUseDefaultCredentials);
    }
}
