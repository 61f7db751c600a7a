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
    /// A new primary handler for the given options (only their proxy settings matter here). Like
    /// <c>new ConnectClient(options)</c> it does not throw for invalid options: a <see cref="ConnectClient"/> with them
    /// answers every call with -1 and the error text (see <see cref="ConnectClientOptions.Validate"/>) before reaching
    /// any handler, and the handler returned for them sends nothing: it fails every request with
    /// <see cref="InvalidOperationException"/> carrying that text.
    /// </summary>
    public static HttpMessageHandler CreatePrimaryHandler(ConnectClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = ClientConfig.Create(options);
        if (config.Error is not null) return new RefusingHandler(options.Validate()!);
        return SharedHandlers.Create(config.Proxy?.AbsoluteUri, options.ProxyLogin, options.ProxyPassword, direct: config.Proxy is null && config.LoopbackTarget,
            defaultCredentials: options.ProxyUseDefaultCredentials);
    }

    /// <summary>The handler for refused options: no connection, no proxy, the options' error text (already scrubbed).</summary>
    private sealed class RefusingHandler(string error) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromException<HttpResponseMessage>(new InvalidOperationException(error));

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException(error);
    }
}
