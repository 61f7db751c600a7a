using System.Net;

namespace Connect.Bridge.Tests.Core;

/// <summary>
/// The proxy default-credentials option (NTLM/Kerberos with the process's logon): its wiring from every surface's
/// setting down to the handler. A real NTLM/Kerberos handshake needs a Windows domain and is not tested here.
/// </summary>
public class ProxyCredentialsTests
{
    /// <summary>The primary handler for options through an explicit proxy that asks for the default credentials.</summary>
    private static SocketsHttpHandler ExplicitProxyHandler(string? proxyLogin = null, string? proxyPassword = null) =>
        (SocketsHttpHandler)ConnectHttpHandler.CreatePrimaryHandler(new ConnectClientOptions
        {
            BaseUrl = "https://push.example.test",
            Login = "bot",
            ProxyUrl = "http://127.0.0.1:3128",
            ProxyLogin = proxyLogin,
            ProxyPassword = proxyPassword,
            ProxyUseDefaultCredentials = true,
        });

    [Fact]
    public void An_explicit_proxy_gets_the_default_credentials_when_asked()
    {
        var handler = ExplicitProxyHandler();
        Assert.True(handler.UseProxy);
        Assert.Same(CredentialCache.DefaultCredentials, Assert.IsType<WebProxy>(handler.Proxy).Credentials);
    }

    [Fact]
    public void A_proxy_login_wins_over_the_default_credentials()
    {
        var handler = ExplicitProxyHandler("proxy-user", "proxy-pass");
        var credentials = Assert.IsType<NetworkCredential>(Assert.IsType<WebProxy>(handler.Proxy).Credentials);
        Assert.Equal("proxy-user", credentials.UserName);
    }

    [Fact]
    public void The_system_proxy_gets_the_default_credentials_when_asked_and_none_otherwise()
    {
        var options = new ConnectClientOptions { BaseUrl = "https://push.example.test", Login = "bot", ProxyUseDefaultCredentials = true };
        Assert.Same(CredentialCache.DefaultCredentials, ((SocketsHttpHandler)ConnectHttpHandler.CreatePrimaryHandler(options)).DefaultProxyCredentials);
        options.ProxyUseDefaultCredentials = false;
        Assert.Null(((SocketsHttpHandler)ConnectHttpHandler.CreatePrimaryHandler(options)).DefaultProxyCredentials);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("true", true)]
    public void The_native_option_sets_it(string value, bool expected)
    {
        using var sender = new BridgeSender();
        Assert.Equal(0, sender.SetOption(14, value).Status);
        Assert.Equal(expected, sender.Options.ProxyUseDefaultCredentials);
        Assert.Equal(HostValue.Boolean(expected).ToString(), sender.Get(SenderSetting.ProxyUseDefaultCredentials).ToString());
    }

    [Fact]
    public void A_value_that_is_not_a_boolean_is_refused_with_the_cores_text()
    {
        using var sender = new BridgeSender();
        sender.Set(SenderSetting.Language, "en");
        var outcome = sender.Set(SenderSetting.ProxyUseDefaultCredentials, HostValue.Text("maybe"));
        Assert.Equal(-1, outcome.Status);
        Assert.Equal("Invalid option: ProxyUseDefaultCredentials \"maybe\" must be 1 or 0.", outcome.ErrorText);
        Assert.False(sender.Options.ProxyUseDefaultCredentials);
    }

    [Fact]
    public void The_COM_property_sets_it()
    {
        var com = new Sender { ProxyUseDefaultCredentials = true };
        Assert.Equal(0, com.LastStatusCode);
        Assert.Equal(true, com.ProxyUseDefaultCredentials);
    }
}
