using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Connect.Bridge;

/// <summary>Options checked once when a client is created; an invalid setting becomes a -1 outcome on every call.</summary>
internal sealed class ClientConfig
{
    public const string SendMessagePath = "v1/line/send/message/";
    public const string DropKeyboardPath = "v1/line/drop/keyboard/";

    public string? Error { get; private init; }
    public Uri SendMessageUri { get; private init; } = null!;
    public Uri DropKeyboardUri { get; private init; } = null!;
    public string Host { get; private init; } = "";
    public AuthenticationHeaderValue Authorization { get; private init; } = null!;
    public Uri? Proxy { get; private init; }
    /// <summary>True when the target is a loopback host: then no system or environment proxy applies (an explicit one still does).</summary>
    public bool LoopbackTarget { get; private init; }

    /// <summary>The proxy a request to <paramref name="target"/> goes through: the explicit one, else the system's; null when none.</summary>
    public Uri? ProxyFor(Uri target)
    {
        if (Proxy is not null) return Proxy;
        if (LoopbackTarget) return null;
        var system = HttpClient.DefaultProxy;
        return system.IsBypassed(target) ? null : system.GetProxy(target);
    }

    public static ClientConfig Create(ConnectClientOptions o)
    {
        var l = o.Language;
        Uri? proxy = null;
        string? error = CheckBaseUrl(o.BaseUrl, o.AllowInsecureHttp, l, out var baseUri)
            ?? CheckCredentials(o.Login, o.Password, l)
            ?? CheckProxy(o, l, out proxy)
            ?? CheckSecretsInUrls(o, baseUri, proxy, l);
        if (error is null && (o.Timeout < TimeSpan.FromMilliseconds(Limits.MinTimeoutMs) || o.Timeout > TimeSpan.FromMilliseconds(Limits.MaxTimeoutMs)))
            error = Texts.BadTimeout(o.Timeout.ToString(), l);
        if (error is null && (o.RetryDelay < TimeSpan.FromMilliseconds(Limits.MinRetryDelayMs) || o.RetryDelay > TimeSpan.FromMilliseconds(Limits.MaxRetryDelayMs)))
            error = Texts.BadRetryDelay(o.RetryDelay.ToString(), l);
        if (error is null && (o.MaxRetries < 0 || o.MaxRetries > Limits.MaxRetries))
            error = Texts.BadRetries(o.MaxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture), l);
        if (error is not null) return new ClientConfig { Error = error };
        string token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.Login}:{o.Password}"));
        return new ClientConfig
        {
            SendMessageUri = new Uri(baseUri!, SendMessagePath),
            DropKeyboardUri = new Uri(baseUri!, DropKeyboardPath),
            Host = baseUri!.Authority,
            Authorization = new AuthenticationHeaderValue("Basic", token),
            Proxy = proxy,
            LoopbackTarget = IsLoopback(baseUri.Host),
        };
    }

    public static bool IsLoopback(string host)
    {
        // "localhost." is the same name written fully qualified (RFC 6761: it always resolves to loopback).
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.Equals("localhost.", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }

    private static string? CheckBaseUrl(string? value, bool allowInsecure, ErrorLanguage l, out Uri? baseUri)
    {
        baseUri = null;
        if (string.IsNullOrWhiteSpace(value)) return Texts.MissingOption("BaseUrl", l);
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || TextRules.HasControlChars(value))
            return Texts.BadUrl("BaseUrl", value, l);
        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) return Texts.BadScheme("BaseUrl", uri.Scheme, l);
        if (uri.UserInfo.Length > 0) return Texts.UrlHasCredentials("BaseUrl", l);
        // A query or fragment would be dropped when the method path is appended: refuse it rather than send elsewhere.
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0) return Texts.UrlHasQuery("BaseUrl", l);
        if (uri.Port == 0) return Texts.PortZero("BaseUrl", l);
        if (uri.Scheme == Uri.UriSchemeHttp && !allowInsecure && !IsLoopback(uri.Host)) return Texts.InsecureHttp(uri.Host, l);
        // Keep any path prefix (a reverse proxy may add one) and make it end with '/', so the method path appends.
        var path = uri.AbsolutePath.EndsWith('/') ? uri.AbsolutePath : uri.AbsolutePath + "/";
        baseUri = new UriBuilder(uri.Scheme, uri.Host, uri.Port, path).Uri;
        return null;
    }

    /// <summary>
    /// A password (4 characters or more) in the path of BaseUrl or ProxyUrl is refused: it is never needed there, and a
    /// URL goes where no scrubbing reaches (the HTTP client's own <c>url.full</c> tag, a proxy's log). The host is not
    /// looked at: it is the service's public name, and a password that happens to be part of it must not stop the library.
    /// </summary>
    private static string? CheckSecretsInUrls(ConnectClientOptions o, Uri? baseUri, Uri? proxy, ErrorLanguage l)
    {
        foreach (var (field, uri) in new[] { ("BaseUrl", baseUri), ("ProxyUrl", proxy) })
        {
            if (uri is null) continue;
            if (SecretScrubber.Occurs(uri.AbsolutePath, o.Password)) return Texts.UrlHasSecret(field, "Password", l);
            if (SecretScrubber.Occurs(uri.AbsolutePath, o.ProxyPassword)) return Texts.UrlHasSecret(field, "ProxyPassword", l);
        }
        return null;
    }

    private static string? CheckCredentials(string? login, string? password, ErrorLanguage l)
    {
        if (string.IsNullOrEmpty(login)) return Texts.LoginMissing(l);
        if (TextRules.HasControlChars(login)) return Texts.ControlChars("Login", l);
        if (login.Length > Limits.MaxLoginLength) return Texts.OptionTooLong("Login", Limits.MaxLoginLength, l);
        if (login.Contains(':')) return Texts.LoginHasColon(l);
        if (!TextRules.IsWellFormed(login)) return Texts.TextInvalidUnicode("Login", l);
        if (password is not null && TextRules.HasControlChars(password)) return Texts.ControlChars("Password", l);
        if (password is not null && !TextRules.IsWellFormed(password)) return Texts.TextInvalidUnicode("Password", l);
        if (password is not null && password.Length > Limits.MaxPasswordLength) return Texts.OptionTooLong("Password", Limits.MaxPasswordLength, l);
        return null;
    }

    private static string? CheckProxy(ConnectClientOptions o, ErrorLanguage l, out Uri? proxy)
    {
        proxy = null;
        if (string.IsNullOrWhiteSpace(o.ProxyUrl)) return null;
        if (!Uri.TryCreate(o.ProxyUrl.Trim(), UriKind.Absolute, out var uri) || TextRules.HasControlChars(o.ProxyUrl))
            return Texts.BadUrl("ProxyUrl", o.ProxyUrl, l);
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != "socks5" && uri.Scheme != "socks4")
            return Texts.BadScheme("ProxyUrl", uri.Scheme, l);
        if (uri.UserInfo.Length > 0) return Texts.UrlHasCredentials("ProxyUrl", l);
        if (uri.Port == 0) return Texts.PortZero("ProxyUrl", l);
        if (o.ProxyLogin?.Length > Limits.MaxProxyLoginLength) return Texts.OptionTooLong("ProxyLogin", Limits.MaxProxyLoginLength, l);
        if (o.ProxyPassword?.Length > Limits.MaxProxyPasswordLength) return Texts.OptionTooLong("ProxyPassword", Limits.MaxProxyPasswordLength, l);
        if (o.ProxyLogin is not null && TextRules.HasControlChars(o.ProxyLogin)) return Texts.ControlChars("ProxyLogin", l);
        if (o.ProxyPassword is not null && TextRules.HasControlChars(o.ProxyPassword)) return Texts.ControlChars("ProxyPassword", l);
        proxy = uri;
        return null;
    }
}
