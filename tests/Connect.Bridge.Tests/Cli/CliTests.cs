namespace Connect.Bridge.Tests.Cli;

/// <summary>The connect-bridge CLI as a real process: output and exit codes.</summary>
public class CliTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args) => CliProcess.Run(args);

    [Fact]
    public void Demo_shows_the_three_outcomes()
    {
        var (exit, output, _) = Run("demo", "--language", "en");
        Assert.Equal(0, exit);
        string[] expected =
        [
            "client returned: 200 (success)",
            "\"text\":\"Здравствуйте! Ваше обращение принято.\"",
            "client returned: -1 Invalid argument: line_id \"not-a-uuid\" is not a UUID",
            "requests that reached the emulator: 0",
            "client returned: 401 HTTP 401",
        ];
        Assert.All(expected, line => Assert.Contains(line, output));
    }

    [Fact]
    public async Task Send_exit_codes_follow_the_outcome()
    {
        await using var emulator = await TestData.StartEmulatorAsync(allowedLines: [TestData.LineId]);
        string url = emulator.BaseUrl.ToString();
        string[] common = ["--base-url", url, "--login", TestData.Login, "--password", TestData.Password];

        var ok = Run(["send", "--line", TestData.LineId, "--user", TestData.UserId, "--text", "Привет", "--keyboard", "Да|Нет", .. common]);
        Assert.Equal(0, ok.Exit);
        Assert.Equal("OK 200", ok.Out.Trim());
        Assert.Equal([["Да", "Нет"]], Assert.Single(emulator.Calls).Keyboard!.Select(r => r.Select(b => b.Text).ToArray()).ToArray());

        var invalid = Run(["send", "--line", "x", "--user", TestData.UserId, "--text", "t", .. common]);
        Assert.Equal(2, invalid.Exit);
        Assert.StartsWith("-1 Неверный аргумент: line_id", invalid.Err);

        var forbidden = Run(["send", "--line", "11111111-1111-1111-1111-111111111111", "--user", TestData.UserId, "--text", "t", "--language", "en", .. common]);
        Assert.Equal(1, forbidden.Exit);
        Assert.StartsWith("403 HTTP 403: insufficient rights.", forbidden.Err);

        var dropped = Run(["drop-keyboard", "--line", TestData.LineId, "--user", TestData.UserId, .. common]);
        Assert.Equal(0, dropped.Exit);

        foreach (var r in new[] { ok, invalid, forbidden, dropped })
            Assert.DoesNotContain(TestData.Password, r.Out + r.Err);
        Assert.Equal(3, emulator.RequestCount); // the invalid one never left the process
    }

    [Fact]
    public void Connection_failure_exits_with_3()
    {
        var r = Run("send", "--line", TestData.LineId, "--user", TestData.UserId, "--text", "t", "--base-url", "http://127.0.0.1:9/",
            "--login", "bot", "--password", "x", "--max-retries", "0");
        Assert.Equal(3, r.Exit);
        Assert.StartsWith("-2 ", r.Err);
    }

    [Theory]
    [InlineData("30", 1)] // the first backoff (22.5 s or more) outlasts the 3 s timeout: the first 503 is reported
    [InlineData("0.01", 3)] // two quick retries
    public async Task Retry_delay_is_the_first_backoff(string seconds, int requests)
    {
        await using var server = new RawHttpServer(RawReply.Status(503));
        var (exit, _, error) = Run("send", "--line", TestData.LineId, "--user", TestData.UserId, "--text", "t", "--base-url", $"http://127.0.0.1:{server.Port}/",
            "--login", "bot", "--password", "p", "--language", "en", "--timeout", "3", "--max-retries", "2", "--retry-delay", seconds);
        Assert.Equal((1, "503 HTTP 503: server error."), (exit, error.Trim()));
        Assert.Equal(requests, server.Requests);
    }

    [Theory]
    [InlineData("--timeout", "NaN", "-1 Invalid option: the timeout \"NaN\" must be between 1 ms and 1 hour.")]
    [InlineData("--timeout", "1e20", "-1 Invalid option: the timeout \"1e20\" must be between 1 ms and 1 hour.")]
    [InlineData("--timeout", "Infinity", "-1 Invalid option: the timeout \"Infinity\" must be between 1 ms and 1 hour.")]
    [InlineData("--max-retries", "1.5", "-1 Invalid option: the retry count \"1.5\" must be between 0 and 10.")]
    [InlineData("--retry-delay", "0.001", "-1 Invalid option: the retry delay \"0.001\" must be between 10 ms and 30 s.")]
    [InlineData("--retry-delay", "31", "-1 Invalid option: the retry delay \"31\" must be between 10 ms and 30 s.")]
    [InlineData("--keyboard-format", "yaml", "-1 Invalid argument: unknown keyboard format yaml (0 auto, 1 JSON, 2 rows).")]
    public void Bad_values_answer_minus_one_naming_what_was_typed_with_exit_code_2(string option, string value, string expected)
    {
        // Nothing listens on port 9: a value that slipped through would end in -2, not -1.
        var (exit, output, error) = Run("send", "--line", TestData.LineId, "--user", TestData.UserId, "--text", "t", "--keyboard", "A|B",
            "--base-url", "http://127.0.0.1:9/", "--login", "bot", "--password", "p", "--language", "en", option, value);
        Assert.Equal(2, exit);
        Assert.Equal(expected, error.Trim());
        Assert.Equal("", output);
    }
}
