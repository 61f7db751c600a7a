using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Connect.Bridge.PackageTests;

/// <summary>The packed packages from a consumer's side: generic host, appsettings.json, the emulator on loopback.</summary>
public sealed class PackageConsumerTests
{
    private const string Password = "pkg-Secret-42"; // the one in appsettings.json

    private static LineMessage NewMessage(string text) =>
        new(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), text);

    [Fact]
    public async Task HostFromAppsettingsSendsAndTheEmulatorRecordsTheCall()
    {
        using var host = ConsumerHost.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<ILineClient>();
        var message = NewMessage($"from the package {Guid.NewGuid():N}");

        var outcome = await client.TrySendMessageAsync(message);

        Assert.Equal(200, outcome.Status);
        Assert.Equal(1, outcome.Attempts);
        var recorded = Assert.Single(await EmulatorRecords.ReadAsync(), r => r.Text == message.Text);
        Assert.Equal("message", recorded.Kind);
        Assert.Equal(message.LineId, recorded.LineId);
        Assert.Equal(message.UserId, recorded.UserId);
        Assert.Equal("Basic", recorded.AuthorizationScheme);
        await host.StopAsync();
    }

    [Fact]
    public async Task ConnectClientAndILineClientAreBothResolvableAndTheTypedClientWorks()
    {
        using var host = ConsumerHost.Build();
        await host.StartAsync();
        var typed = host.Services.GetRequiredService<ConnectClient>();
        Assert.IsType<ConnectClient>(host.Services.GetRequiredService<ILineClient>());
        Assert.Equal(ErrorLanguage.English, typed.Language); // "Language": "English" in appsettings.json

        var message = NewMessage($"typed {Guid.NewGuid():N}");
        var outcome = await typed.SendMessageAsync(message);

        Assert.True(outcome.IsSuccess, outcome.ToString());
        Assert.Single(await EmulatorRecords.ReadAsync(), r => r.Text == message.Text);
    }

    [Fact]
    public async Task InvalidConfigurationFailsAtStartUpWithTheLibrarysText()
    {
        var overrides = new Dictionary<string, string?> { ["ConnectBridge:BaseUrl"] = "ftp://127.0.0.1/" };
        using var host = ConsumerHost.Build(overrides);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        // The same text the core gives for these options (and would return as -1 on every call).
        var expected = new ConnectClientOptions { BaseUrl = "ftp://127.0.0.1/", Login = "pkg-bot", Password = Password, Language = ErrorLanguage.English }.Validate();
        Assert.NotNull(expected);
        Assert.Contains("ftp", expected);
        Assert.Equal(expected, Assert.Single(error.Failures));
        Assert.DoesNotContain(Password, error.ToString());
    }

    [Fact]
    public async Task MissingLoginFailsAtStartUpWithTheLibrarysText()
    {
        var overrides = new Dictionary<string, string?> { ["ConnectBridge:Login"] = "" };
        using var host = ConsumerHost.Build(overrides);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var expected = new ConnectClientOptions { BaseUrl = ConsumerHost.EmulatorUrl, Login = "", Password = Password, Language = ErrorLanguage.English }.Validate();
        Assert.NotNull(expected);
        Assert.Equal(expected, Assert.Single(error.Failures));
    }

    [Fact]
    public async Task TheFactorysHandlerKeepsTheTransportRules()
    {
        using var host = ConsumerHost.Build();
        await host.StartAsync();
        var factory = host.Services.GetRequiredService<IHttpMessageHandlerFactory>();

        HttpMessageHandler? handler = factory.CreateHandler(ConnectBridgeServiceCollectionExtensions.HttpClientName);
        for (int depth = 0; depth < 20 && handler is DelegatingHandler delegating; depth++) handler = delegating.InnerHandler;

        var primary = Assert.IsType<SocketsHttpHandler>(handler);
        Assert.False(primary.AllowAutoRedirect);
        Assert.False(primary.UseCookies);
        Assert.NotEqual(Timeout.InfiniteTimeSpan, primary.PooledConnectionLifetime);
        Assert.Equal(TimeSpan.FromMinutes(5), primary.PooledConnectionLifetime);
        Assert.Equal(Timeout.InfiniteTimeSpan, host.Services.GetRequiredService<IHttpClientFactory>()
            .CreateClient(ConnectBridgeServiceCollectionExtensions.HttpClientName).Timeout);
    }

    [Fact]
    public async Task NoLogLineCarriesThePasswordOrTheBasicToken()
    {
        using var logs = new FakeLoggerProvider();
        using var host = ConsumerHost.Build(logs: logs);
        await host.StartAsync();
        var client = host.Services.GetRequiredService<ILineClient>();

        Assert.Equal(200, (await client.TrySendMessageAsync(NewMessage("logged send"))).Status);
        Assert.Equal(BridgeStatus.InvalidArgument, (await client.TrySendMessageAsync(NewMessage(" "))).Status);

        string token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"pkg-bot:{Password}"));
        string[] lines = [.. logs.Collector.GetSnapshot().Select(r => $"{r.Category} {r.Level}: {r.Message} {r.Exception}")];
        Assert.Contains(lines, l => l.Contains("/v1/line/send/message/", StringComparison.Ordinal)); // the logs did see the calls
        Assert.DoesNotContain(lines, l => l.Contains(Password, StringComparison.Ordinal) || l.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AListenerSeesTheActivityAndTheMetricValues()
    {
        var activities = new List<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ConnectBridgeDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (activities) activities.Add(activity); },
        };
        ActivitySource.AddActivityListener(activityListener);

        using var sentCollector = new MetricCollector<long>(null, ConnectBridgeDiagnostics.MeterName, ConnectBridgeDiagnostics.MessagesSent);
        using var failedCollector = new MetricCollector<long>(null, ConnectBridgeDiagnostics.MeterName, ConnectBridgeDiagnostics.MessagesFailed);
        using var retriesCollector = new MetricCollector<long>(null, ConnectBridgeDiagnostics.MeterName, ConnectBridgeDiagnostics.Retries);
        using var durationCollector = new MetricCollector<double>(null, ConnectBridgeDiagnostics.MeterName, ConnectBridgeDiagnostics.CallDuration);

        using var host = ConsumerHost.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<ILineClient>();
        var good = NewMessage($"telemetry {Guid.NewGuid():N}");
        var bad = NewMessage("");
        Assert.Equal(200, (await client.TrySendMessageAsync(good)).Status);
        Assert.Equal(BridgeStatus.InvalidArgument, (await client.TrySendMessageAsync(bad)).Status);

        Activity[] seen;
        lock (activities) seen = [.. activities];
        Assert.Equal(2, seen.Length);
        var sent = seen[0];
        Assert.Equal("SendMessageLine", sent.DisplayName);
        Assert.Equal(ActivityKind.Client, sent.Kind);
        Assert.Equal("success", sent.GetTagItem("connect_bridge.outcome"));
        Assert.Equal(200, sent.GetTagItem("http.response.status_code"));
        Assert.Equal(1, sent.GetTagItem("connect_bridge.attempts"));
        Assert.Equal("127.0.0.1", sent.GetTagItem("server.address"));
        Assert.Equal(new Uri(ConsumerHost.EmulatorUrl).Port, sent.GetTagItem("server.port"));
        Assert.NotEqual(ActivityStatusCode.Error, sent.Status);
        var rejected = seen[1];
        Assert.Equal("invalid_argument", rejected.GetTagItem("connect_bridge.outcome"));
        Assert.Equal(BridgeStatus.InvalidArgument, rejected.GetTagItem("connect_bridge.status"));
        Assert.Equal(ActivityStatusCode.Error, rejected.Status);

        var sentCount = Assert.Single(sentCollector.GetMeasurementSnapshot());
        Assert.Equal(1, sentCount.Value);
        Assert.Equal("send_message", sentCount.Tags["connect_bridge.operation"]);
        var failed = Assert.Single(failedCollector.GetMeasurementSnapshot());
        Assert.Equal(1, failed.Value);
        Assert.Equal("invalid_argument", failed.Tags["error.type"]);
        var durations = durationCollector.GetMeasurementSnapshot();
        Assert.Equal(2, durations.Count);
        Assert.All(durations, d => Assert.True(d.Value > 0));
        Assert.Empty(retriesCollector.GetMeasurementSnapshot());

        // No message text, no ids of people or lines, no credentials, in any tag of any activity or measurement.
        string[] secrets = [good.Text, good.LineId, good.UserId, bad.LineId, bad.UserId, "pkg-bot", Password];
        var tagValues = seen.SelectMany(a => a.TagObjects.Select(t => t.Value?.ToString() ?? ""))
            .Concat(new[] { sentCount.Tags, failed.Tags }.Concat(durations.Select(d => d.Tags)).SelectMany(t => t.Values.Select(v => v?.ToString() ?? "")))
            .Concat(seen.Select(a => a.StatusDescription ?? ""))
            .ToArray();
        Assert.NotEmpty(tagValues);
        Assert.DoesNotContain(tagValues, v => secrets.Any(s => v.Contains(s, StringComparison.Ordinal)));
    }
}
