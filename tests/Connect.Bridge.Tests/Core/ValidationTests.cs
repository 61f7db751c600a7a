namespace Connect.Bridge.Tests.Core;

public class ValidationTests
{
    [Theory]
    [InlineData("5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44")]
    [InlineData("5F0DDFD1-6D9C-4E25-9BCA-C7FF0FD83C44")]
    [InlineData("{5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44}")]
    [InlineData("(5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44)")]
    [InlineData("5f0ddfd16d9c4e259bcac7ff0fd83c44")]
    [InlineData(" 5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44 ")]
    public void Standard_uuid_forms_become_canonical_lowercase(string input)
    {
        Assert.True(MessageValidator.TryCanonicalUuid(input, out var canonical));
        Assert.Equal("5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44", canonical);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c4")]
    [InlineData("5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c444")]
    [InlineData("5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c4g")]
    [InlineData("{0x5f0ddfd1,0x6d9c,0x4e25,{0x9b,0xca,0xc7,0xff,0x0f,0xd8,0x3c,0x44}}")]
    public void Other_strings_are_not_uuids(string input) => Assert.False(MessageValidator.TryCanonicalUuid(input, out _));

    [Theory]
    [InlineData("not-a-uuid", TestData.UserId, "x", "line_id \"not-a-uuid\" is not a UUID")]
    [InlineData(TestData.LineId, "", "x", "user_id is not set")]
    [InlineData(TestData.LineId, TestData.UserId, "", "text is empty")]
    [InlineData(TestData.LineId, TestData.UserId, " \t\r\n ", "text is empty")]
    [InlineData(TestData.LineId, TestData.UserId, "a\0b", "NUL")]
    [InlineData(TestData.LineId, TestData.UserId, "LONE", "lone surrogate")] // built in code: attribute data cannot hold a lone surrogate
    public async Task Invalid_input_gives_minus_one_and_nothing_is_sent(string line, string user, string text, string expected)
    {
        await using var emulator = await TestData.StartEmulatorAsync();
        using var client = new ConnectClient(TestData.Options(emulator.BaseUrl.ToString(), english: true));
        if (text == "LONE") text = "a" + '\ud800' + "b";
        var outcome = await client.TrySendMessageAsync(new LineMessage(line, user, text));
        Assert.Equal(BridgeStatus.InvalidArgument, outcome.Status);
        Assert.Contains(expected, outcome.ErrorText);
        Assert.Equal(0, outcome.Attempts);
        Assert.Equal(0, emulator.RequestCount);
    }

    [Fact]
    public void Text_over_the_limit_is_rejected()
    {
        using var client = new ConnectClient(TestData.Options("http://127.0.0.1:9/"));
        var outcome = client.TrySendMessage(new LineMessage(TestData.LineId, TestData.UserId, new string('я', Limits.MaxTextLength + 1)));
        Assert.Equal(-1, outcome.Status);
        Assert.Contains(Limits.MaxTextLength.ToString(), outcome.ErrorText);
    }

    [Fact]
    public void A_keyboard_built_in_code_is_checked_too()
    {
        using var client = new ConnectClient(TestData.Options("http://127.0.0.1:9/"));
        var message = new LineMessage(TestData.LineId, TestData.UserId, "x") { Keyboard = new Keyboard([[new KeyboardButton(" ")]]) };
        var outcome = client.TrySendMessage(message);
        Assert.Equal(-1, outcome.Status);
        Assert.Contains("строка 1, кнопка 1", outcome.ErrorText);
    }

    [Theory]
    [InlineData("ftp://push.1c-connect.com", "scheme \"ftp\"")]
    [InlineData("not a url", "not an absolute")]
    [InlineData("http://example.com", "plain http is allowed only for loopback")]
    [InlineData("https://user:pw@example.com", "must not contain user info")]
    [InlineData("", "BaseUrl is not set")]
    public void Bad_base_urls_are_invalid_arguments(string baseUrl, string expected)
    {
        var options = TestData.Options(baseUrl);
        options.Language = ErrorLanguage.English;
        using var client = new ConnectClient(options);
        var outcome = client.TrySendMessage(new LineMessage(TestData.LineId, TestData.UserId, "x"));
        Assert.Equal(-1, outcome.Status);
        Assert.Contains(expected, outcome.ErrorText);
    }

    [Theory]
    [InlineData("http://localhost:1/")]
    [InlineData("http://127.0.0.5:1/")]
    [InlineData("http://[::1]:1/")]
    public void Plain_http_is_allowed_for_loopback(string baseUrl)
    {
        using var client = new ConnectClient(TestData.Options(baseUrl));
        var outcome = client.TrySendMessage(new LineMessage(TestData.LineId, TestData.UserId, "x"));
        Assert.NotEqual(-1, outcome.Status); // it was attempted (and failed to connect)
    }

    [Fact]
    public void Header_injection_in_credentials_is_rejected()
    {
        var options = TestData.Options("http://127.0.0.1:1/");
        options.Login = "bot\r\nX-Evil: 1";
        using var client = new ConnectClient(options);
        Assert.Equal(-1, client.TrySendMessage(new LineMessage(TestData.LineId, TestData.UserId, "x")).Status);
        options.Login = "bot";
        options.Password = TestData.Password + "\n";
        using var client2 = new ConnectClient(options);
        var outcome = client2.TrySendMessage(new LineMessage(TestData.LineId, TestData.UserId, "x"));
        Assert.Equal(-1, outcome.Status);
        Assert.DoesNotContain(TestData.Password, outcome.ErrorText);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(7200)]
    public void Bad_timeouts_are_invalid(int seconds)
    {
        var options = TestData.Options("http://127.0.0.1:1/");
        options.Timeout = TimeSpan.FromSeconds(seconds);
        using var client = new ConnectClient(options);
        Assert.Equal(-1, client.TrySendMessage(new LineMessage(TestData.LineId, TestData.UserId, "x")).Status);
    }
}
