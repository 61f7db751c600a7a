using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Connect.Bridge.Tests.Core;

/// <summary>
/// The ActivitySource and Meter "Connect.Bridge" over the wire (a raw loopback server). Other tests send in parallel,
/// so every assertion looks only at what carries this test's own server port.
/// </summary>
public sealed class TelemetryTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _activities = new();
    private readonly ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ActivityListener _activityListener;
    private readonly MeterListener _meterListener;

    public TelemetryTests()
    {
        _activityListener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ConnectBridgeDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Enqueue,
        };
        ActivitySource.AddActivityListener(_activityListener);
        _meterListener = new MeterListener
        {
            InstrumentPublished = (i, l) => { if (i.Meter.Name == ConnectBridgeDiagnostics.MeterName) l.EnableMeasurementEvents(i); },
        };
        _meterListener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        _meterListener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        _meterListener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags) copy[tag.Key] = tag.Value;
        _measurements.Enqueue((instrument.Name, value, copy));
    }

    private Activity[] ActivitiesFor(RawHttpServer server) =>
        [.. _activities.Where(a => a.GetTagItem("server.port") is int port && port == server.Port)];

    private (string Name, double Value, Dictionary<string, object?> Tags)[] MeasurementsFor(RawHttpServer server, string instrument) =>
        [.. _measurements.Where(m => m.Name == instrument && m.Tags.TryGetValue("server.port", out var p) && p is int port && port == server.Port)];

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
        Assert.Equal(1, Assert.Single(MeasurementsFor(server, ConnectBridgeDiagnostics.Retries)).Value);
        Assert.Equal(1, Assert.Single(MeasurementsFor(server, ConnectBridgeDiagnostics.MessagesSent)).Value);
        Assert.Empty(MeasurementsFor(server, ConnectBridgeDiagnostics.MessagesFailed));
        Assert.True(Assert.Single(MeasurementsFor(server, ConnectBridgeDiagnostics.CallDuration)).Value > 0);
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
        var failed = Assert.Single(MeasurementsFor(server, ConnectBridgeDiagnostics.MessagesFailed));
        Assert.Equal(1, failed.Value);
        Assert.Equal("drop_keyboard", failed.Tags["connect_bridge.operation"]);
        Assert.Equal(outcomeClass, failed.Tags["connect_bridge.outcome"]);
        Assert.Equal(status, failed.Tags["http.response.status_code"]);
        Assert.Empty(MeasurementsFor(server, ConnectBridgeDiagnostics.MessagesSent));
        // No ids of people or lines, no login or password in any tag.
        string[] secrets = [TestData.LineId, TestData.UserId, TestData.Login, TestData.Password];
        Assert.DoesNotContain(activity.TagObjects.Select(t => t.Value?.ToString() ?? "").Concat(failed.Tags.Values.Select(v => v?.ToString() ?? "")),
            v => secrets.Any(s => v.Contains(s, StringComparison.Ordinal)));
    }

    public void Dispose()
    {
        _meterListener.Dispose();
        _activityListener.Dispose();
    }
}
