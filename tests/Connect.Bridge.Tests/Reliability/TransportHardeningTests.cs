using System.Collections.Concurrent;
using System.Net;

namespace Connect.Bridge.Tests.Reliability;

/// <summary>Issue 10, round two, the transport items: each test failed before its fix.</summary>
public class TransportHardeningTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Refused_then_the_timeout_ends_the_backoff_is_not_delivered(bool sync)
    {
        using var reserved = FaultCatalog.BoundNotListening();
        int port = ((IPEndPoint)reserved.LocalEndPoint!).Port;
        var options = TestData.Options($"http://127.0.0.1:{port}/", english: true);
        options.Timeout = TimeSpan.FromMilliseconds(1000);
        options.MaxRetries = 10;
        options.RetryDelay = TimeSpan.FromMilliseconds(Limits.MaxRetryDelayMs);
        using var client = new ConnectClient(options);
        var outcome = sync ? await Task.Factory.StartNew(() => client.TrySendMessage(TestData.Message()), TaskCreationOptions.LongRunning)
                           : await client.TrySendMessageAsync(TestData.Message());
        Assert.Equal(BridgeStatus.ConnectionFailed, outcome.Status);
        Assert.Equal($"Could not connect to 127.0.0.1:{port}: connection refused. The message was not delivered.", outcome.ErrorText);
        Assert.Equal(1, outcome.Attempts);
    }

    public static TheoryData<long> BadRetryDelaysMs => new(-1, 0, Limits.MinRetryDelayMs - 1, Limits.MaxRetryDelayMs + 1, (long)TimeSpan.FromDays(2).TotalMilliseconds);

    [Theory]
    [MemberData(nameof(BadRetryDelaysMs))]
    public async Task A_retry_delay_out_of_range_is_a_minus_one_outcome_not_an_exception(long ms)
    {
        await using var server = new RawHttpServer(RawReply.Status(200));
        var options = TestData.Options(server.BaseUrl, english: true);
        options.RetryDelay = TimeSpan.FromMilliseconds(ms);
        using var client = new ConnectClient(options);
        var outcome = client.TrySendMessage(TestData.Message());
        Assert.Equal(BridgeStatus.InvalidArgument, outcome.Status);
        Assert.StartsWith("Invalid option: the retry delay \"", outcome.ErrorText);
        Assert.EndsWith("\" must be between 10 ms and 30 s.", outcome.ErrorText);
        Assert.Equal(0, server.Requests);
    }

    public static TheoryData<string, int> CredentialLimits => new()
    {
        { "Login", Limits.MaxLoginLength },
        { "Password", Limits.MaxPasswordLength },
        { "ProxyLogin", Limits.MaxProxyLoginLength },
        { "ProxyPassword", Limits.MaxProxyPasswordLength },
    };

    [Theory]
    [MemberData(nameof(CredentialLimits))]
    public async Task Credentials_have_a_length_limit(string field, int max)
    {
        await using var server = new RawHttpServer(RawReply.Status(200));
        foreach (int length in new[] { max, max + 1 })
        {
            var options = TestData.Options(server.BaseUrl, english: true);
            options.ProxyUrl = server.BaseUrl; // the raw server answers 200 to a proxied request too
            string value = new('a', length);
            switch (field)
            {
                case "Login": options.Login = value; break;
                case "Password": options.Password = value; break;
                case "ProxyLogin": options.ProxyLogin = value; break;
                default: options.ProxyPassword = value; break;
            }
            using var client = new ConnectClient(options);
            var outcome = client.TrySendMessage(TestData.Message());
            if (length == max) Assert.Equal(200, outcome.Status);
            else Assert.Equal((BridgeStatus.InvalidArgument, $"Invalid option: {field} is longer than {max} characters."), (outcome.Status, outcome.ErrorText));
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/?a=1", "Invalid option: BaseUrl must not contain a query (?…) or a fragment (#…): they would be dropped.")]
    [InlineData("http://127.0.0.1:8080/base#frag", "Invalid option: BaseUrl must not contain a query (?…) or a fragment (#…): they would be dropped.")]
    [InlineData("http://127.0.0.1:0", "Invalid option: BaseUrl names port 0, which cannot be connected to.")]
    public void Base_urls_that_cannot_work_are_refused(string url, string text)
    {
        var options = TestData.Options(url, english: true);
        using var client = new ConnectClient(options);
        var outcome = client.TrySendMessage(TestData.Message());
        Assert.Equal((BridgeStatus.InvalidArgument, text), (outcome.Status, outcome.ErrorText));
    }

    [Fact]
    public void Localhost_with_a_trailing_dot_is_loopback()
    {
        Assert.True(ClientConfig.IsLoopback("localhost."));
        Assert.True(ClientConfig.IsLoopback("LOCALHOST."));
        Assert.False(ClientConfig.IsLoopback("localhost.example"));
        // Plain http to it is allowed like "localhost" (before: "plain http is allowed only for loopback hosts").
        using var client = new ConnectClient(TestData.Options("http://localhost.:1/", english: true));
        Assert.NotEqual(BridgeStatus.InvalidArgument, client.TrySendMessage(TestData.Message()).Status);
    }

    [Theory]
    [InlineData("Retry-After: 0")]
    [InlineData("Retry-After: soon")]
    [InlineData(null)]
    public async Task Retry_waits_keep_a_minimum_and_grow(string? retryAfter)
    {
        await using var server = new RawHttpServer(retryAfter is null ? RawReply.Status(429) : RawReply.Status(429, null, retryAfter));
        var options = TestData.Options(server.BaseUrl, english: true);
        options.MaxRetries = Limits.MaxRetries;
        options.RetryDelay = TimeSpan.FromMilliseconds(Limits.MinRetryDelayMs);
        options.Timeout = TimeSpan.FromMinutes(1); // the clock moves on by each wait: ten waits come to about 10 s
        var clock = new SteppingClock();
        using var client = new ConnectClient(options) { Time = clock };
        var outcome = await client.TrySendMessageAsync(TestData.Message());
        Assert.Equal(429, outcome.Status);
        Assert.Equal(Limits.MaxRetries + 1, server.Requests);
        var waits = clock.Waits.ToArray();
        Assert.Equal(Limits.MaxRetries, waits.Length);
        for (int i = 0; i < waits.Length; i++)
        {
            // Backoff: the first delay doubled per retry (capped), jitter ±25 %, never under the minimum.
            double expected = Math.Min(Limits.MinRetryDelayMs * Math.Pow(2, i), Limits.MaxRetryDelayMs);
            Assert.True(waits[i].TotalMilliseconds >= Math.Max(Limits.MinRetryDelayMs, expected * 0.75) - 0.001, $"wait {i}: {waits[i].TotalMilliseconds} ms");
            Assert.True(waits[i].TotalMilliseconds <= expected * 1.25 + 0.001, $"wait {i}: {waits[i].TotalMilliseconds} ms");
        }
    }

    [Fact]
    public async Task A_longer_retry_after_wins_over_the_backoff()
    {
        await using var server = new RawHttpServer(n => n == 1 ? RawReply.Status(503, null, "Retry-After: 2") : RawReply.Status(200));
        var options = TestData.Options(server.BaseUrl, english: true);
        var clock = new SteppingClock();
        using var client = new ConnectClient(options) { Time = clock };
        Assert.Equal(200, (await client.TrySendMessageAsync(TestData.Message())).Status);
        Assert.Equal(TimeSpan.FromSeconds(2), Assert.Single(clock.Waits));
    }

    // ---- proxy ----

    [Fact]
    public async Task A_closed_explicit_proxy_is_named_as_the_proxy()
    {
        await using var target = new RawHttpServer(RawReply.Status(200));
        using var reserved = FaultCatalog.BoundNotListening();
        int proxyPort = ((IPEndPoint)reserved.LocalEndPoint!).Port;
        var options = TestData.Options(target.BaseUrl, english: true);
        options.ProxyUrl = $"http://127.0.0.1:{proxyPort}/";
        options.MaxRetries = 0;
        using var client = new ConnectClient(options);
        var outcome = client.TrySendMessage(TestData.Message());
        Assert.Equal((BridgeStatus.ConnectionFailed, $"Could not connect to the proxy 127.0.0.1:{proxyPort}: connection refused. The message was not delivered."),
            (outcome.Status, outcome.ErrorText));
        Assert.Equal(0, target.Requests);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("https")]
    public async Task A_proxy_407_has_its_own_text(string scheme)
    {
        await using var proxy = new RawHttpServer(RawReply.Status(407, null, "Proxy-Authenticate: Basic realm=\"p\""));
        var options = TestData.Options($"{scheme}://127.0.0.1:9/", english: true);
        options.ProxyUrl = proxy.BaseUrl;
        options.MaxRetries = 0;
        using var client = new ConnectClient(options);
        var outcome = client.TrySendMessage(TestData.Message());
        Assert.Equal((407, $"The proxy 127.0.0.1:{proxy.Port} requires authentication (HTTP 407): check ProxyLogin and ProxyPassword. The message was not delivered."),
            (outcome.Status, outcome.ErrorText));
        Assert.True(proxy.Requests >= 1);
    }

    [Fact]
    public async Task An_explicit_proxy_is_used_for_a_loopback_target()
    {
        await using var proxy = new RawHttpServer(RawReply.Status(200));
        var options = TestData.Options("http://127.0.0.1:9/", english: true);
        options.ProxyUrl = proxy.BaseUrl;
        using var client = new ConnectClient(options);
        Assert.Equal(200, client.TrySendMessage(TestData.Message()).Status);
        Assert.StartsWith("POST http://127.0.0.1:9/v1/line/send/message/ ", Assert.Single(proxy.RequestHeads));
    }

    [Fact]
    public async Task The_environment_proxy_does_not_take_loopback_traffic()
    {
        // A separate process: the environment proxy is read once per process. http_proxy points at a raw server
        // that would answer 502; the emulator must get the message directly.
        await using var proxy = new RawHttpServer(RawReply.Status(502));
        await using var emulator = await TestData.StartEmulatorAsync(allowedLines: [TestData.LineId]);
        var env = new Dictionary<string, string> { ["http_proxy"] = proxy.BaseUrl, ["HTTP_PROXY"] = proxy.BaseUrl, ["no_proxy"] = "", ["NO_PROXY"] = "" };
        var (exit, output, error) = CliProcess.Run(["send", "--line", TestData.LineId, "--user", TestData.UserId, "--text", "через прокси?",
            "--base-url", emulator.BaseUrl.ToString(), "--login", TestData.Login, "--password", TestData.Password], env);
        Assert.True(exit == 0, $"exit {exit}: {output} {error}");
        Assert.Single(emulator.Calls);
        Assert.Equal(0, proxy.Requests);
    }

    [Fact]
    public async Task A_timeout_under_one_millisecond_is_refused_and_an_accepted_one_is_worded_as_set()
    {
        using var sender = new BridgeSender();
        sender.Set(SenderSetting.Language, "en");
        var refused = sender.Set(SenderSetting.TimeoutSeconds, "0.0001");
        Assert.Equal((BridgeStatus.InvalidArgument, "Invalid option: the timeout \"0.0001\" must be between 1 ms and 1 hour."), (refused.Status, refused.ErrorText));
        await using var server = new RawHttpServer(new RawReply.Silence());
        Assert.Equal(0, sender.Set(SenderSetting.TimeoutSeconds, "0.001").Status);
        sender.Set(SenderSetting.BaseUrl, server.BaseUrl);
        sender.Set(SenderSetting.Login, TestData.Login);
        sender.Set(SenderSetting.Password, TestData.Password);
        var outcome = sender.Send(TestData.LineId, TestData.UserId, "t");
        Assert.Equal((BridgeStatus.Timeout, "No answer from the server within 0.001 s (timeout). Delivery is unknown."), (outcome.Status, outcome.ErrorText));
    }

    // ---- one sender, several threads ----

    [Fact]
    public async Task Calls_on_one_sender_from_several_threads_are_serialized()
    {
        await using var emulator = await TestData.StartEmulatorAsync(allowedLines: [TestData.LineId]);
        using var sender = new BridgeSender();
        sender.Set(SenderSetting.BaseUrl, emulator.BaseUrl.ToString());
        sender.Set(SenderSetting.Login, TestData.Login);
        sender.Set(SenderSetting.Password, TestData.Password);
        const int threads = 4, perThread = 25;
        var statuses = new ConcurrentBag<int>();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            for (int i = 0; i < perThread; i++)
            {
                sender.SetKeyboard(i % 2 == 0 ? "Да|Нет" : "", KeyboardFormat.Rows);
                statuses.Add(sender.Send(TestData.LineId, TestData.UserId, $"t{t} m{i}").Status);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        foreach (var w in workers) Assert.True(w.Join(TimeSpan.FromSeconds(120)), "a sender thread did not finish");
        Assert.Equal(threads * perThread, statuses.Count);
        Assert.All(statuses, s => Assert.Equal(200, s));
        Assert.Equal(threads * perThread, emulator.Calls.Count);
        await Task.CompletedTask;
    }
}
