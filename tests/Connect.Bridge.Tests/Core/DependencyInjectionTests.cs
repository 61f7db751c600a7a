using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace Connect.Bridge.Tests.Core;

/// <summary>AddConnectBridge over the wire (a raw loopback server): the factory's handler keeps the transport rules.</summary>
public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task The_typed_client_does_not_follow_a_redirect()
    {
        await using var server = new RawHttpServer(RawReply.Status(302, null, "Location: http://127.0.0.1:1/elsewhere"));
        var services = new ServiceCollection();
        services.AddConnectBridge(o => Copy(TestData.Options(server.BaseUrl), o));
        await using var provider = services.BuildServiceProvider();

        var outcome = await provider.GetRequiredService<ILineClient>().TrySendMessageAsync(new(TestData.LineId, TestData.UserId, "redirect"));

        Assert.Equal(302, outcome.Status);
        Assert.Equal(1, server.Requests);
        Assert.DoesNotContain(TestData.Password, outcome.ToString());
    }

    [Fact]
    public async Task Invalid_options_fail_the_start_up_validator_with_the_core_text()
    {
        var services = new ServiceCollection();
        services.AddConnectBridge(o => { o.BaseUrl = "http://example.com/"; o.Login = "bot"; o.Language = ErrorLanguage.English; });
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        var expected = new ConnectClientOptions { BaseUrl = "http://example.com/", Login = "bot", Language = ErrorLanguage.English }.Validate();
        Assert.NotNull(expected);
        Assert.Equal(expected, Assert.Single(error.Failures));
    }

    [Fact]
    public async Task A_substitute_ILineClient_registered_later_wins()
    {
        var fake = Substitute.For<ILineClient>();
        var services = new ServiceCollection();
        services.AddConnectBridge(o => { o.BaseUrl = "http://127.0.0.1:1/"; o.Login = "bot"; });
        services.AddSingleton(fake);
        await using var provider = services.BuildServiceProvider();

        Assert.Same(fake, provider.GetRequiredService<ILineClient>());
        Assert.IsType<ConnectClient>(provider.GetRequiredService<ConnectClient>());
    }

    private static void Copy(ConnectClientOptions from, ConnectClientOptions to)
    {
        to.BaseUrl = from.BaseUrl;
        to.Login = from.Login;
        to.Password = from.Password;
        to.Timeout = from.Timeout;
        to.RetryDelay = from.RetryDelay;
    }
}
