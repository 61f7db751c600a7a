using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Connect.Bridge.Tests.Reliability;

/// <summary>Issue 19, items 2, 3, 4, 6 and 7: the password in option validation, echoes, wording, URLs, the emulator.</summary>
public class RoundThreeSecretsTests
{
    private static ConnectClientOptions Options(string? baseUrl = null, string? proxyUrl = null)
    {
        var options = TestData.Options(baseUrl ?? "http://127.0.0.1:9/", english: true);
        options.ProxyUrl = proxyUrl;
        return options;
    }

    // The three shapes the issue saw. Named, not given as data: a test's display name must not carry the password.
    private static ConnectClientOptions PasswordIn(string where) => where switch
    {
        "BaseUrl" => Options(TestData.Password),
        "BaseUrl with a bad port" => Options("https://push.1c-connect.com:99999/" + TestData.Password),
        "ProxyUrl" => Options(proxyUrl: TestData.Password),
        _ => throw new ArgumentOutOfRangeException(nameof(where)),
    };

    [Theory] // item 2: failed before (Validate() echoed the password verbatim, with the scrubber's marks)
    [InlineData("BaseUrl")]
    [InlineData("BaseUrl with a bad port")]
    [InlineData("ProxyUrl")]
    public void Validate_masks_the_password_as_a_call_would(string where)
    {
        var options = PasswordIn(where);
        string? text = options.Validate();
        SecretWatch.Capture("options validation", text);
        Assert.NotNull(text);
        Assert.Contains("***", text);
        Assert.DoesNotContain(text, c => SecretScrubber.IsMark(c));
        using var client = new ConnectClient(options);
        Assert.Equal(client.TrySendMessage(new LineMessage(TestData.LineId, TestData.UserId, "x")).ErrorText, text);
    }

    [Theory] // item 2: failed before (the host's start-up exception carried the password)
    [InlineData("BaseUrl")]
    [InlineData("BaseUrl with a bad port")]
    [InlineData("ProxyUrl")]
    public async Task The_start_up_validation_exception_masks_the_password(string where)
    {
        var services = new ServiceCollection();
        services.AddConnectBridge(o =>
        {
            var from = PasswordIn(where);
            (o.BaseUrl, o.ProxyUrl, o.Login, o.Password, o.Language) = (from.BaseUrl, from.ProxyUrl, from.Login, from.Password, from.Language);
        });
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        SecretWatch.Capture("DI validation message", error.Message);
        SecretWatch.Capture("DI validation exception", error.ToString());
        string failure = Assert.Single(error.Failures);
        SecretWatch.Capture("DI validation failure", failure);
        Assert.Contains("***", failure);
        Assert.Equal(PasswordIn(where).Validate(), failure);
    }
}
