using System.Net;

namespace Connect.Bridge.Tests.Reliability;

/// <summary>Issue 20, section 2 "Smaller": the retry clock, one behaviour for invalid options, the rows contract.</summary>
public class RedesignSmallerTests
{
    // ---- RetryRule: the rule reads Retry-After on the clock the waits run on ----

    /// <summary>
    /// A Retry-After date on the injected clock (a FakeTimeProvider). Two seconds after its "now" (2100, decades after
    /// the system's) fits in the timeout and is waited for; before the fix the decision read it on the system clock (far
    /// outside the timeout, so no retry and the 503 was the outcome) while the wait read it on the injected one. The
    /// mirror case: two hours after its "now" (2000, in the past for the system clock) is past the deadline: not waited for.
    /// </summary>
    [Theory]
    [InlineData(2100, 2, 200, 2)]
    [InlineData(2000, 7200, 503, 1)]
    public async Task A_retry_after_date_is_read_on_the_injected_clock(int year, int secondsAhead, int status, int requests)
    {
        var now = new DateTimeOffset(year, 1, 1, 12, 0, 0, TimeSpan.Zero);
        string date = now.AddSeconds(secondsAhead).ToString("r", System.Globalization.CultureInfo.InvariantCulture);
        await using var server = new RawHttpServer(n => n == 1 ? RawReply.Status(503, null, "Retry-After: " + date) : RawReply.Status(200));
        var clock = new SteppingClock(now);
        using var client = new ConnectClient(TestData.Options(server.BaseUrl, english: true)) { Time = clock };

        var outcome = await client.TrySendMessageAsync(TestData.Message());

        Assert.Equal(status, outcome.Status);
        Assert.Equal(requests, server.Requests);
        Assert.Equal(requests == 2 ? [TimeSpan.FromSeconds(secondsAhead)] : [], clock.Waits.ToArray());
    }

    // ---- invalid options: one behaviour for new ConnectClient(options) and ConnectHttpHandler.CreatePrimaryHandler ----

    public static TheoryData<string> InvalidOptions => new("proxy-scheme", "base-url", "timeout", "proxy-control-chars");

    private static ConnectClientOptions Invalid(string kind, string baseUrl)
    {
        var options = TestData.Options(baseUrl, english: true);
        switch (kind)
        {
            case "proxy-scheme": options.ProxyUrl = "ftp://127.0.0.1:21/"; break;
            case "base-url": options.BaseUrl = "http://127.0.0.1:0/"; break;
            case "timeout": options.Timeout = TimeSpan.FromHours(2); break;
            default: options.ProxyUrl = "http://127.0.0.1:9/"; options.ProxyLogin = "a\nb"; break;
        }
        return options;
    }

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public async Task Options_a_client_refuses_give_a_handler_and_the_same_minus_one_outcome_over_it(string kind)
    {
        await using var server = new RawHttpServer(RawReply.Status(200));
        var options = Invalid(kind, server.BaseUrl);
        using var own = new ConnectClient(options);
        var expected = await own.TrySendMessageAsync(TestData.Message());
        Assert.Equal(BridgeStatus.InvalidArgument, expected.Status);

        // Before: CreatePrimaryHandler threw ArgumentException where the constructor above accepted the options.
        using var handler = ConnectHttpHandler.CreatePrimaryHandler(options);
        using var http = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new ConnectClient(http, options);
        var outcome = await client.TrySendMessageAsync(TestData.Message());

        Assert.Equal((expected.Status, expected.ErrorText), (outcome.Status, outcome.ErrorText));
        Assert.Equal(options.Validate(), outcome.ErrorText);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task The_handler_for_refused_options_sends_nothing_when_used_directly()
    {
        await using var server = new RawHttpServer(RawReply.Status(200));
        var options = Invalid("proxy-scheme", server.BaseUrl);
        using var handler = ConnectHttpHandler.CreatePrimaryHandler(options);
        using var http = new HttpClient(handler, disposeHandler: false);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => http.GetAsync(server.BaseUrl));

        Assert.Equal(options.Validate(), error.Message);
        Assert.Equal(0, server.Requests);
    }

    // ---- SharedHandlers: bounded, keyed without the proxy password ----

    [Fact]
    public void Shared_handlers_are_keyed_without_the_proxy_password_and_bounded()
    {
        var proxy = new Uri("http://127.0.0.1:9/"); // never connected to here
        string secret = "proxy-" + Guid.NewGuid().ToString("N");
        var first = SharedHandlers.Get(proxy, "user", secret, direct: false, defaultCredentials: false);
        Assert.Same(first, SharedHandlers.Get(proxy, "user", secret, direct: false, defaultCredentials: false));

        // Another password is another pool, with its own credential (the cache compares it, it does not key by it).
        var other = SharedHandlers.Get(proxy, "user", secret + "-2", direct: false, defaultCredentials: false);
        Assert.NotSame(first, other);
        Assert.Equal(secret + "-2", Assert.IsType<NetworkCredential>(other.Proxy!.Credentials).Password);
        Assert.Equal(secret, Assert.IsType<NetworkCredential>(first.Proxy!.Credentials).Password);
        Assert.DoesNotContain(SharedHandlers.Keys(), k => k.ToString().Contains(secret, StringComparison.Ordinal));

        // Bounded: Capacity more settings push the least recently used one out; asking for it again builds a new pool.
        for (int i = 0; i < SharedHandlers.Capacity; i++)
            SharedHandlers.Get(proxy, "user", secret + "-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "x", direct: false, defaultCredentials: false);
        Assert.True(SharedHandlers.Keys().Length <= SharedHandlers.Capacity);
        Assert.NotSame(first, SharedHandlers.Get(proxy, "user", secret, direct: false, defaultCredentials: false));
    }

    [Fact]
    public void A_proxy_password_without_a_proxy_login_is_not_sent_and_does_not_split_the_pool()
    {
        var proxy = new Uri("http://127.0.0.1:9/" + Guid.NewGuid().ToString("N") + "/");
        var one = SharedHandlers.Get(proxy, null, "a-password", direct: false, defaultCredentials: false);
        Assert.Same(one, SharedHandlers.Get(proxy, null, "another-password", direct: false, defaultCredentials: false));
        Assert.Null(one.Proxy!.Credentials);
    }

    // ---- Limits: read-only fields, not constants compiled into callers ----

    [Fact]
    public void Limits_are_read_only_fields_not_constants()
    {
        var fields = typeof(Limits).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static);
        Assert.NotEmpty(fields);
        Assert.All(fields, f => Assert.True(!f.IsLiteral && f.IsInitOnly, $"Limits.{f.Name} must be static readonly"));
        Assert.Equal(10_000, Limits.MaxTextLength);
    }

    // ---- examples-1c/КоннектОтправкаКомпонента.bsl: what its comment on added rows now says ----

    [Fact]
    public async Task A_refused_row_stands_a_valid_row_after_it_is_not_added_and_clearing_ends_it()
    {
        await using var server = new RawHttpServer(RawReply.Status(200));
        using var sender = new BridgeSender();
        sender.Set(SenderSetting.Language, "en");
        sender.Set(SenderSetting.BaseUrl, server.BaseUrl);
        sender.Set(SenderSetting.Login, TestData.Login);
        sender.Set(SenderSetting.Password, TestData.Password);
        Assert.True(sender.AddKeyboardRow("Yes|No").Succeeded);
        var refusal = sender.AddKeyboardRow("More|");
        Assert.Equal(BridgeStatus.InvalidArgument, refusal.Status);

        var next = sender.AddKeyboardRow("Operator");
        Assert.Equal((refusal.Status, refusal.ErrorText), (next.Status, next.ErrorText));
        Assert.Single(sender.Keyboard!.Rows);
        var send = sender.Send(TestData.LineId, TestData.UserId, "hi");
        Assert.Equal((refusal.Status, refusal.ErrorText), (send.Status, send.ErrorText));
        Assert.Equal(0, server.Requests);

        Assert.True(sender.ClearKeyboard().Succeeded);
        Assert.True(sender.AddKeyboardRow("Operator").Succeeded);
        Assert.Equal(200, sender.Send(TestData.LineId, TestData.UserId, "hi").Status);
        Assert.Equal(1, server.Requests);
    }
}
