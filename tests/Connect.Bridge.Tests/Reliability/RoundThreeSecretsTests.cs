using System.Collections.Concurrent;
using System.Diagnostics;
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

    // ---- item 6: a password in BaseUrl or ProxyUrl -------------------------------------------

    private const string UrlHasPasswordEn = "Invalid option: BaseUrl must not contain the password (Password): it would show in logs and in the HTTP client's telemetry (url.full); set the password only as its own option.";

    [Theory] // item 6: failed before (the request went out, and HttpClient's activity carried the password in url.full)
    [InlineData("as a path segment")]
    [InlineData("percent-encoded")]
    [InlineData("in another case")]
    public async Task A_password_in_the_BaseUrl_path_is_refused_and_HttpClient_activity_never_sees_it(string how)
    {
        await using var server = new RawHttpServer(RawReply.Status(200));
        string prefix = $"http://127.0.0.1:{server.Port}/";
        var tags = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                // Only this test's server: other tests run in parallel and send too.
                if (activity.GetTagItem("url.full") is string url && url.StartsWith(prefix, StringComparison.Ordinal))
                    foreach (var tag in activity.TagObjects) tags.Enqueue($"{tag.Key}={tag.Value}");
            },
        };
        ActivitySource.AddActivityListener(listener);

        // Control: the listener does see the HTTP client's own url.full, path prefix included.
        using (var client = new ConnectClient(Options(prefix + "relay/")))
            Assert.Equal(200, client.TrySendMessage(new LineMessage(TestData.LineId, TestData.UserId, "x")).Status);
        Assert.Contains($"url.full={prefix}relay/v1/line/send/message/", tags);

        string segment = how switch
        {
            "as a path segment" => TestData.Password,
            "percent-encoded" => string.Concat(TestData.Password.Select(c => $"%{(int)c:X2}")),
            _ => TestData.Password.ToUpperInvariant(),
        };
        using (var client = new ConnectClient(Options(prefix + "relay/" + segment + "/")))
        {
            var outcome = client.TrySendMessage(new LineMessage(TestData.LineId, TestData.UserId, "x"));
            SecretWatch.Capture("password in BaseUrl", outcome);
            Assert.Equal(-1, outcome.Status);
            Assert.Equal(UrlHasPasswordEn, outcome.ErrorText);
        }
        Assert.Equal(1, server.Requests);
        foreach (var tag in tags) SecretWatch.Capture("HttpClient activity tag", tag);
        Assert.DoesNotContain(tags, t => t.Contains(TestData.Password, StringComparison.OrdinalIgnoreCase));
    }

    [Fact] // item 6: failed before (the proxy password in ProxyUrl's path was accepted)
    public void A_password_in_the_ProxyUrl_path_is_refused()
    {
        var options = Options(proxyUrl: "http://127.0.0.1:3128/" + TestData.Password);
        string? text = options.Validate();
        SecretWatch.Capture("password in ProxyUrl", text);
        Assert.Equal(UrlHasPasswordEn.Replace("BaseUrl", "ProxyUrl", StringComparison.Ordinal), text);
        options.ProxyUrl = "http://127.0.0.1:3128/proxy-secret";
        options.ProxyPassword = "proxy-secret";
        Assert.Equal(UrlHasPasswordEn.Replace("BaseUrl", "ProxyUrl", StringComparison.Ordinal).Replace("(Password)", "(ProxyPassword)", StringComparison.Ordinal), options.Validate());
    }

    [Theory] // item 6: the host is the service's public name; a short password would refuse ordinary paths at random
    [InlineData("https://push.1c-connect.com/", "1c-connect")]
    [InlineData("http://127.0.0.1:9/v1x/", "v1x")]
    public void A_password_in_the_host_or_shorter_than_four_characters_is_not_refused(string baseUrl, string password)
    {
        var options = Options(baseUrl);
        options.Password = password;
        Assert.Null(options.Validate());
    }
}
