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

    public static ClientConfig Create(ConnectClientOptions o)
    {
        var l = o.Language;
        Uri? proxy = null;
        string? error = CheckBaseUrl(o.BaseUrl, o.AllowInsecureHttp, l, out var baseUri)
            ?? CheckCredentials(o.Login, o.Password, l)
            ?? CheckProxy(o, l, out proxy);
        if (error is null && (o.Timeout < TimeSpan.FromMilliseconds(Limits.MinTimeoutMs) || o.Timeout > TimeSpan.FromMilliseconds(Limits.MaxTimeoutMs)))
            error = Texts.BadTimeout(o.Timeout.ToString(), l);
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
        };
    }

    public static bool IsLoopback(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
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
        if (uri.Scheme == Uri.UriSchemeHttp && !allowInsecure && !IsLoopback(uri.Host)) return Texts.InsecureHttp(uri.Host, l);
        // Keep any path prefix (a reverse proxy may add one) and make it end with '/', so the method path appends.
        var path = uri.AbsolutePath.EndsWith('/') ? uri.AbsolutePath : uri.AbsolutePath + "/";
        baseUri = new UriBuilder(uri.Scheme, uri.Host, uri.Port, path).Uri;
        return null;
    }

    private static string? CheckCredentials(string? login, string? password, ErrorLanguage l)
    {
        if (string.IsNullOrEmpty(login)) return Texts.LoginMissing(l);
        if (TextRules.HasControlChars(login)) return Texts.ControlChars("Login", l);
        if (login.Contains(':')) return Texts.LoginHasColon(l);
        if (!TextRules.IsWellFormed(login)) return Texts.TextInvalidUnicode("Login", l);
        if (password is not null && TextRules.HasControlChars(password)) return Texts.ControlChars("Password", l);
        if (password is not null && !TextRules.IsWellFormed(password)) return Texts.TextInvalidUnicode("Password", l);
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
        if (o.ProxyLogin is not null && TextRules.HasControlChars(o.ProxyLogin)) return Texts.ControlChars("ProxyLogin", l);
        if (o.ProxyPassword is not null && TextRules.HasControlChars(o.ProxyPassword)) return Texts.ControlChars("ProxyPassword", l);
        proxy = uri;
        return null;
    }
}
