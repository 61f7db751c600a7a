namespace Connect.Bridge.Tests.Reliability;

/// <summary>Retries and the overall timeout: the timeout bounds the call, and an answer already received is never reported as "no answer".</summary>
public class RetryBoundTests
{
    [Theory]
    [InlineData(503, false)]
    [InlineData(503, true)]
    [InlineData(429, false)]
    [InlineData(429, true)]
    public async Task A_backoff_cut_by_the_timeout_reports_the_last_answer(int status, bool sync)
    {
        // The backoff (at least 22 s, from the longest RetryDelay) cannot fit in the 4 s timeout. The server did answer, so
        // the outcome is its status ("not delivered"), not -3 ("no answer, delivery unknown").
        await using var server = new RawHttpServer(RawReply.Status(status));
        var options = TestData.Options(server.BaseUrl, english: true);
        // Room for a cold first connection while the whole suite runs in parallel on a 2-core machine (a clean-clone
        // run once took more than 1.5 s for the first answer, which then rightly came out as -3).
        options.Timeout = TimeSpan.FromSeconds(4);
        options.RetryDelay = TimeSpan.FromMilliseconds(Limits.MaxRetryDelayMs);
        using var client = new ConnectClient(options);
        var outcome = sync ? await Task.Factory.StartNew(() => client.TrySendMessage(TestData.Message()), TaskCreationOptions.LongRunning)
                           : await client.TrySendMessageAsync(TestData.Message());
        SecretWatch.Capture("retry bound", outcome);
        Assert.Equal(status, outcome.Status);
        Assert.Equal(status == 429 ? "HTTP 429: too many requests, try again later." : "HTTP 503: server error.", outcome.ErrorText);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Caller_cancellation_during_a_stalled_error_body_still_throws()
    {
        await using var server = new RawHttpServer(RawReply.HeadersThenStall(500));
        var log = TestLog.Create();
        using var client = new ConnectClient(TestData.Options(server.BaseUrl, log));
        using var cts = new CancellationTokenSource();
        var send = client.TrySendMessageAsync(TestData.Message(), cts.Token);
        // The attempt is logged when the status line has arrived: from then on the client is reading the stalled body.
        for (int i = 0; i < 1000 && !log.Lines().Any(l => l.Contains("-> 500", StringComparison.Ordinal)); i++) await Task.Delay(10);
        Assert.Contains(log.Lines(), l => l.Contains("-> 500", StringComparison.Ordinal));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task A_timeout_while_waiting_for_the_retry_answer_is_still_a_timeout()
    {
        // 503 first, then the retry is read and never answered: the last attempt got no answer, so -3.
        await using var server = new RawHttpServer(n => n == 1 ? RawReply.Status(503) : new RawReply.Silence());
        var options = TestData.Options(server.BaseUrl, english: true);
        options.Timeout = TimeSpan.FromMilliseconds(1500);
        using var client = new ConnectClient(options);
        var outcome = await client.TrySendMessageAsync(TestData.Message());
        Assert.Equal(BridgeStatus.Timeout, outcome.Status);
        Assert.Equal(2, outcome.Attempts);
        Assert.Equal(2, server.Requests);
    }
}
