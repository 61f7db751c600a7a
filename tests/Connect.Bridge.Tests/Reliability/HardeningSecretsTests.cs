namespace Connect.Bridge.Tests.Reliability;

/// <summary>Issue 10, items 3-6 and 9: secrets in URL echoes, log lines, reshaped server text, option echoes; the decimal comma.</summary>
public class HardeningSecretsTests
{
    private const string Secret = "SECRETPW42";

    private static BridgeSender Sender(string password = Secret)
    {
        var sender = new BridgeSender();
        sender.Set(SenderSetting.Language, "en");
        sender.Set(SenderSetting.Login, TestData.Login);
        sender.Set(SenderSetting.Password, password);
        return sender;
    }

    [Theory] // item 3: failed before (the user-info was echoed verbatim)
    [InlineData(1, "http://u:" + Secret + "@127.0.0.1:99999", "BaseUrl \"http://***@127.0.0.1:99999\"")]
    [InlineData(8, "http://u:" + Secret + "@bad host:3128", "ProxyUrl \"http://***@bad host:3128\"")]
    [InlineData(1, "u:" + Secret + "@127.0.0.1:99999", "BaseUrl \"***@127.0.0.1:99999\"")]
    public void Url_user_info_is_masked_in_every_url_echo_even_when_it_is_not_the_password(int settingId, string url, string expected)
    {
        using var sender = Sender(password: "another-password");
        sender.Set(SenderSetting.BaseUrl, "http://127.0.0.1:9/");
        sender.Set((SenderSetting)settingId, url);
        var outcome = sender.Send(TestData.LineId, TestData.UserId, "x");
        Assert.Equal(-1, outcome.Status);
        Assert.Contains(expected, outcome.ErrorText);
        Assert.DoesNotContain(Secret, outcome.ErrorText);
    }

    [Fact] // item 4: failed before (the Logger got the unscrubbed rejection text)
    public void The_logger_gets_scrubbed_lines_for_rejections_and_attempts()
    {
        var log = TestLog.Create();
        var options = TestData.Options(Secret, log, english: true);
        options.Password = Secret;
        using (var client = new ConnectClient(options))
            Assert.DoesNotContain(Secret, client.TrySendMessage(new LineMessage(TestData.LineId, TestData.UserId, "x")).ErrorText);
        // Since issue 19 (item 6) a password in the BaseUrl path is refused before any attempt; a path without it is logged.
        options.BaseUrl = $"http://127.0.0.1:9/{Secret}/";
        using (var client = new ConnectClient(options))
            Assert.Equal(-1, client.TrySendMessage(new LineMessage(TestData.LineId, TestData.UserId, "x")).Status);
        options.BaseUrl = "http://127.0.0.1:9/relay/";
        options.MaxRetries = 0;
        using (var client = new ConnectClient(options))
            Assert.Equal(-2, client.TrySendMessage(new LineMessage(TestData.LineId, TestData.UserId, "x")).Status);
        Assert.Contains(log.Lines(), l => l.Contains("/relay/v1/line/send/message/", StringComparison.Ordinal));
        Assert.True(log.Lines().Length >= 2);
        Assert.Contains(log.Lines(), l => l.StartsWith("Rejected before sending:", StringComparison.Ordinal));
        Assert.All(log.Lines(), l => Assert.DoesNotContain(Secret, l));
    }

    [Theory] // item 5: failed before (whitespace was collapsed before the scrub)
    [InlineData("MARKER  PASS")]
    [InlineData("MARKER\u00a0PASS")]
    [InlineData("MARKER\u2028PASS")]
    public async Task A_server_echo_is_scrubbed_in_every_reshaped_form(string password)
    {
        string escaped = System.Text.Json.JsonSerializer.Serialize(password);
        await using var server = new RawHttpServer(RawReply.Status(400, $$"""{"error":"you sent {{escaped[1..^1]}} here"}"""));
        var options = TestData.Options(server.BaseUrl, english: true);
        options.Password = password;
        using var client = new ConnectClient(options);
        var outcome = await client.TrySendMessageAsync(new LineMessage(TestData.LineId, TestData.UserId, "x"));
        Assert.Equal(400, outcome.Status);
        Assert.Contains("Server says: \"you sent *** here\"", outcome.ErrorText);
        foreach (var text in new[] { outcome.ErrorText, outcome.ServerError, outcome.ResponseBody })
            Assert.DoesNotContain("PASS", text ?? "");
    }

    [Fact] // item 5: failed before (ResponseBody kept \u004dARKERPASS)
    public async Task A_json_escaped_echo_in_the_body_is_scrubbed()
    {
        await using var server = new RawHttpServer(RawReply.Status(401, """{"error":"bad \u004dARKERPASS"}"""));
        var options = TestData.Options(server.BaseUrl, english: true);
        options.Password = "MARKERPASS";
        using var client = new ConnectClient(options);
        var outcome = await client.TrySendMessageAsync(new LineMessage(TestData.LineId, TestData.UserId, "x"));
        Assert.Equal(401, outcome.Status);
        Assert.DoesNotContain("ARKERPASS", outcome.ResponseBody);
        Assert.Contains("***", outcome.ResponseBody);
        Assert.DoesNotContain("ARKERPASS", outcome.ErrorText);
    }

    [Fact] // item 5: failed before (the 300-character cut left "SECRE…")
    public async Task A_password_prefix_cut_at_the_300_character_bound_is_masked()
    {
        var outcome = await ServerErrorEndingInTheSecretAsync(xs: 295);
        Assert.EndsWith("x***…", outcome.ServerError);
        Assert.Contains("x***…\"", outcome.ErrorText);
        Assert.DoesNotContain("SECRE", outcome.ErrorText);
    }

    [Fact] // a cut that leaves under 4 characters of the secret is left alone (a Windows DLL corpus run masked "…0x" at random)
    public async Task A_cut_leaving_fewer_than_four_characters_of_the_password_is_not_masked()
    {
        var outcome = await ServerErrorEndingInTheSecretAsync(xs: 298);
        Assert.EndsWith("x" + Secret[..2] + "…", outcome.ServerError);
        Assert.DoesNotContain("***", outcome.ErrorText);
    }

    [Fact] // item 5: failed before (every "e" of the wording became "***")
    public async Task A_very_short_password_withholds_the_echo_and_leaves_the_wording_alone()
    {
        await using var server = new RawHttpServer(RawReply.Status(400, """{"error":"the password e is wrong"}"""));
        var options = TestData.Options(server.BaseUrl, english: true);
        options.Password = "e";
        using var client = new ConnectClient(options);
        var outcome = await client.TrySendMessageAsync(new LineMessage(TestData.LineId, TestData.UserId, "x"));
        Assert.Equal("HTTP 400: the request contains an error. Server says: \"***\".", outcome.ErrorText);
        Assert.Null(outcome.ServerError);
        Assert.Null(outcome.ResponseBody);
    }

    [Theory] // item 6: failed before (option errors echoed the password)
    [InlineData(6)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(11)]
    public void An_option_echo_of_the_password_is_masked_whichever_was_set_first(int settingId)
    {
        var setting = (SenderSetting)settingId;
        using (var sender = Sender())
        {
            var refused = sender.Set(setting, Secret);
            Assert.Equal(-1, refused.Status);
            Assert.Contains("***", refused.ErrorText);
            Assert.DoesNotContain(Secret, refused.ErrorText);
            Assert.DoesNotContain(Secret, sender.Send(TestData.LineId, TestData.UserId, "x").ErrorText);
        }
        using (var sender = new BridgeSender())
        {
            sender.Set(setting, Secret);
            sender.Set(SenderSetting.Password, Secret);
            Assert.DoesNotContain(Secret, sender.LastOutcome.ErrorText);
            Assert.DoesNotContain(Secret, sender.Send(TestData.LineId, TestData.UserId, "x").ErrorText);
        }
    }

    [Theory] // item 9: "1,5" was never 1.5 s before
    [InlineData("1,5", 1500)]
    [InlineData("0,25", 250)]
    [InlineData("2", 2000)]
    public void A_decimal_comma_is_the_decimal_separator(string text, int ms)
    {
        using var sender = new BridgeSender();
        Assert.Equal(0, sender.Set(SenderSetting.TimeoutSeconds, text).Status);
        Assert.Equal(TimeSpan.FromMilliseconds(ms), sender.Options.Timeout);
    }

    [Theory]
    [InlineData("1,000.5")]
    [InlineData("1,5,0")]
    public void A_comma_that_is_not_one_decimal_comma_is_refused(string text)
    {
        using var sender = Sender();
        var outcome = sender.Set(SenderSetting.TimeoutSeconds, text);
        Assert.Equal(-1, outcome.Status);
        Assert.Contains($"the timeout \"{text}\"", outcome.ErrorText);
    }

    /// <summary>A 400 whose error text is <paramref name="xs"/> x's and then the password: where the 300-character cut falls.</summary>
    private static async Task<SendOutcome> ServerErrorEndingInTheSecretAsync(int xs)
    {
        await using var server = new RawHttpServer(RawReply.Status(400, $$"""{"error":"{{new string('x', xs)}}{{Secret}}"}"""));
        var options = TestData.Options(server.BaseUrl, english: true);
        options.Password = Secret;
        using var client = new ConnectClient(options);
        return await client.TrySendMessageAsync(new LineMessage(TestData.LineId, TestData.UserId, "x"));
    }
}
