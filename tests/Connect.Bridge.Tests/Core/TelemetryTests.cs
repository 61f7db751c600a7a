using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Connect.Bridge.Tests.Core;

/// <summary>
/// The ActivitySource and Meter "Connect.Bridge" over the wire (a raw loopback server). Other tests send in parallel,
/// so every assertion looks only at what carries this test's own server port.
/// </summary>
public sealed class TelemetryTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _activities = new();
    // No maintained collector for activities in Microsoft.Extensions.*.Testing: a plain ActivityListener.
    private readonly ActivityListener _activityListener;
    private readonly MetricCollector<long> _sent = Counter(ConnectBridgeDiagnostics.MessagesSent);
    private readonly MetricCollector<long> _failed = Counter(ConnectBridgeDiagnostics.MessagesFailed);
    private readonly MetricCollector<long> _retries = Counter(ConnectBridgeDiagnostics.Retries);
    private readonly MetricCollector<double> _duration = new(null, ConnectBridgeDiagnostics.MeterName, ConnectBridgeDiagnostics.CallDuration);

    public TelemetryTests()
    {
        _activityListener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ConnectBridgeDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Enqueue,
        };
        ActivitySource.AddActivityListener(_activityListener);
    }

    private static MetricCollector<long> Counter(string instrument) => new(null, ConnectBridgeDiagnostics.MeterName, instrument);

    private Activity[] ActivitiesFor(RawHttpServer server) =>
        [.. _activities.Where(a => a.GetTagItem("server.port") is int port && port == server.Port)];

    private static CollectedMeasurement<T>[] For<T>(MetricCollector<T> collector, RawHttpServer server) where T : struct =>
        [.. collector.GetMeasurementSnapshot().Where(m => m.Tags.TryGetValue("server.port", out var p) && p is int port && port == server.Port)];

    [Fact]
    public async Task A_retried_send_shows_its_attempts_in_the_activity_and_the_retry_counter()
    {
        await using var server = new RawHttpServer(n => n == 1 ? RawReply.Status(503, null, "Retry-After: 0") : RawReply.Status(200));
        using var client = new ConnectClient(TestData.Options(server.BaseUrl));

        Assert.Equal(200, (await client.TrySendMessageAsync(new(TestData.LineId, TestData.UserId, "retried"))).Status);

        var activity = Assert.Single(ActivitiesFor(server));
        Assert.Equal("SendMessageLine", activity.DisplayName);
        Assert.Equal(2, activity.GetTagItem("connect_bridge.attempts"));
        Assert.Equal(1, activity.GetTagItem("http.request.resend_count"));
        Assert.Equal("success", activity.GetTagItem("connect_bridge.outcome"));
        Assert.Equal(1, Assert.Single(For(_retries, server)).Value);
        Assert.Equal(1, Assert.Single(For(_sent, server)).Value);
        Assert.Empty(For(_failed, server));
        Assert.True(Assert.Single(For(_duration, server)).Value > 0);
    }

    [Theory]
    [InlineData(302, "redirect")]
    [InlineData(401, "client_error")]
    [InlineData(500, "server_error")]
    public async Task A_failed_drop_is_counted_by_its_status_class(int status, string outcomeClass)
    {
        await using var server = new RawHttpServer(RawReply.Status(status, null, "Location: http://127.0.0.1:1/elsewhere"));
        using var client = new ConnectClient(TestData.Options(server.BaseUrl));

        Assert.Equal(status, (await client.TryDropKeyboardAsync(TestData.LineId, TestData.UserId)).Status);

        var activity = Assert.Single(ActivitiesFor(server));
        Assert.Equal("DropKeyboard", activity.DisplayName);
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        Assert.Equal(outcomeClass, activity.GetTagItem("connect_bridge.outcome"));
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), activity.GetTagItem("error.type"));
        var failed = Assert.Single(For(_failed, server));
        Assert.Equal(1, failed.Value);
        Assert.Equal("drop_keyboard", failed.Tags["connect_bridge.operation"]);
        Assert.Equal(outcomeClass, failed.Tags["connect_bridge.outcome"]);
        Assert.Equal(status, failed.Tags["http.response.status_code"]);
        Assert.Empty(For(_sent, server));
        // No ids of people or lines, no login or password in any tag.
        string[] secrets = [TestData.LineId, TestData.UserId, TestData.Login, TestData.Password];
        Assert.DoesNotContain(activity.TagObjects.Select(t => t.Value?.ToString() ?? "").Concat(failed.Tags.Values.Select(v => v?.ToString() ?? "")),
            v => secrets.Any(s => v.Contains(s, StringComparison.Ordinal)));
    }

    public void Dispose()
    {
        _activityListener.Dispose();
        _sent.Dispose();
        _failed.Dispose();
        _retries.Dispose();
        _duration.Dispose();
    }
}
