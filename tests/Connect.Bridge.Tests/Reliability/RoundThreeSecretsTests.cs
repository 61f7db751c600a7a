using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
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

    // ---- item 3: echoes that escaped the scrub ----------------------------------------------

    private static async Task<SendOutcome> SendTo(RawReply reply, string? password = null)
    {
        await using var server = new RawHttpServer(reply);
        var options = Options(server.BaseUrl);
        if (password is not null) options.Password = password;
        using var client = new ConnectClient(options);
        return await client.TrySendMessageAsync(new LineMessage(TestData.LineId, TestData.UserId, "x"));
    }

    private static void AssertNowhere(SendOutcome outcome, string echo, StringComparison comparison = StringComparison.Ordinal)
    {
        SecretWatch.Capture("round three echo", outcome);
        foreach (var text in new[] { outcome.ErrorText, outcome.ServerError, outcome.ResponseBody })
            Assert.False(text?.Contains(echo, comparison) ?? false, "the echo is still there");
    }

    private static string Percent(string s) => string.Concat(Encoding.UTF8.GetBytes(s).Select(b => $"%{b:X2}"));

    [Theory] // item 3: failed before (the Location was echoed with the password percent-encoded)
    [InlineData("every byte encoded")]
    [InlineData("a space as %20")]
    [InlineData("a space as +")]
    public async Task A_redirect_Location_with_the_password_url_encoded_is_masked(string how)
    {
        string password = how == "every byte encoded" ? TestData.Password : "pass word " + TestData.Password[3..11];
        string encoded = how switch
        {
            "every byte encoded" => Percent(password),
            "a space as %20" => Uri.EscapeDataString(password),
            _ => password.Replace(' ', '+'),
        };
        var outcome = await SendTo(RawReply.Status(302, null, $"Location: http://127.0.0.1:1/login?p={encoded}&next=1"), password);
        Assert.Equal(302, outcome.Status);
        Assert.Contains("?p=***&next=1", outcome.ErrorText);
        AssertNowhere(outcome, encoded);
        AssertNowhere(outcome, password);
    }

    [Fact] // item 3: failed before (a case variant of the password was echoed as is)
    public async Task A_case_variant_of_the_password_in_the_server_echo_is_masked()
    {
        string upper = TestData.Password.ToUpperInvariant();
        var outcome = await SendTo(RawReply.Status(401, $$"""{"error":"unknown password {{upper}}"}"""));
        Assert.Equal(401, outcome.Status);
        Assert.Equal("unknown password ***", outcome.ServerError);
        AssertNowhere(outcome, TestData.Password, StringComparison.OrdinalIgnoreCase);
    }

    [Theory] // item 3: failed before (only the Basic token itself was masked, not the password at another alignment)
    [InlineData("")]
    [InlineData("x")]
    [InlineData("xy")]
    public async Task The_password_in_base64_at_any_alignment_is_masked(string before)
    {
        string base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{before}{TestData.Login}:{TestData.Password}"));
        var outcome = await SendTo(RawReply.Status(400, $$"""{"error":"you sent {{base64}}"}"""));
        Assert.Equal(400, outcome.Status);
        Assert.Contains("***", outcome.ServerError);
        // The run of base64 characters that only the password's bytes decide is gone.
        int from = Encoding.UTF8.GetByteCount(before + TestData.Login + ":"), to = from + Encoding.UTF8.GetByteCount(TestData.Password);
        string run = PasswordOnlyRun(base64, from, to);
        Assert.True(run.Length > 40);
        AssertNowhere(outcome, run);
        AssertNowhere(outcome, run[..8]);
    }

    /// <summary>The base64 characters whose 6 bits all come from bytes <paramref name="from"/>..<paramref name="to"/> (exclusive).</summary>
    private static string PasswordOnlyRun(string base64, int from, int to)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < base64.Length; i++)
            if (6 * i / 8 >= from && (6 * i + 5) / 8 < to) sb.Append(base64[i]);
        return sb.ToString();
    }

    [Fact] // item 3: failed before (ResponseBody kept base64(password))
    public async Task The_password_in_base64_alone_is_masked_in_the_body()
    {
        string base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(TestData.Password));
        var outcome = await SendTo(RawReply.Status(400, $$"""{"detail":"{{base64}}"}"""));
        Assert.Equal(400, outcome.Status);
        Assert.Equal("""{"detail":"***"}""", outcome.ResponseBody);
        AssertNowhere(outcome, base64);
    }

    // ---- item 4: the library's own wording is never starred ---------------------------------

    [Theory] // item 4: failed before (a password that is a word of the wording starred that word, and so revealed itself)
    [InlineData("HTTP", false, "HTTP 400: the request contains an error. Server says: \"bad ***\".")]
    [InlineData("request", false, "HTTP 400: the request contains an error. Server says: \"bad ***\".")]
    [InlineData("запрос", true, "HTTP 400: запрос содержит ошибку. Ответ сервера: «bad ***».")]
    public async Task A_password_that_is_a_word_of_the_wording_leaves_the_wording_alone(string password, bool russian, string expected)
    {
        await using var server = new RawHttpServer(RawReply.Status(400, $$"""{"error":"bad {{password}}"}"""));
        var options = Options(server.BaseUrl);
        options.Password = password;
        if (russian) options.Language = ErrorLanguage.Russian;
        using var client = new ConnectClient(options);
        var outcome = await client.TrySendMessageAsync(new LineMessage(TestData.LineId, TestData.UserId, "x"));
        Assert.Equal(expected, outcome.ErrorText);
        Assert.Equal("bad ***", outcome.ServerError);
    }

    [Fact] // item 4: failed before (the validation wording "Invalid option" became "*** option")
    public void A_password_that_is_a_word_of_the_validation_wording_leaves_it_alone()
    {
        var options = Options("ftp://127.0.0.1/");
        options.Password = "Invalid";
        Assert.Equal("Invalid option: BaseUrl uses the scheme \"ftp\"; only https (and http for loopback) is allowed.", options.Validate());
        using var sender = new BridgeSender();
        sender.Set(SenderSetting.Language, "en");
        sender.Set(SenderSetting.Password, "Invalid");
        Assert.Equal("Invalid option: the language \"xx\" is not supported; use ru or en.", sender.Set(SenderSetting.Language, "xx").ErrorText);
    }

    [Fact] // item 4: a keyboard field name is now a marked echo; the public keyboard texts show no marks
    public void Keyboard_texts_outside_an_outcome_carry_no_marks()
    {
        const string json = """[[{"text":"A","colour":"red"}]]""";
        Assert.False(Keyboard.TryParse(json, KeyboardFormat.Json, out _, out string? error, ErrorLanguage.English));
        Assert.Equal("Invalid keyboard (row 1, button 1): unknown button field \"colour\" (text and id are allowed).", error);
        var ex = Assert.Throws<KeyboardFormatException>(() => Keyboard.Parse(json, KeyboardFormat.Json, ErrorLanguage.English));
        Assert.Equal(error, ex.Message);
    }

    [Fact] // item 4: what the wording exemption must not let through: a host or an OS cause is an echo, still masked
    public async Task A_password_in_a_host_echo_is_still_masked()
    {
        using var bound = FaultCatalog.BoundNotListening();
        string authority = $"127.0.0.1:{((System.Net.IPEndPoint)bound.LocalEndPoint!).Port}";
        var options = Options($"http://{authority}/");
        options.Password = authority;
        options.MaxRetries = 0;
        using (var client = new ConnectClient(options))
        {
            var outcome = await client.TrySendMessageAsync(new LineMessage(TestData.LineId, TestData.UserId, "x"));
            Assert.Equal("Could not connect to ***: connection refused. The message was not delivered.", outcome.ErrorText);
        }
        options.BaseUrl = "http://127.0.0.1:9/";
        options.ProxyUrl = $"http://{authority}/";
        using (var client = new ConnectClient(options))
        {
            var outcome = await client.TrySendMessageAsync(new LineMessage(TestData.LineId, TestData.UserId, "x"));
            Assert.Equal(-2, outcome.Status);
            Assert.DoesNotContain(authority, outcome.ErrorText);
            Assert.Contains("***", outcome.ErrorText);
        }
    }

    // ---- item 7: the emulator's password from the environment --------------------------------

    [Fact] // item 7: failed before (the emulator accepted only --password, which ps shows; the default "secret" stood)
    public async Task The_emulator_takes_its_password_from_the_environment_not_the_command_line()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "connect-bridge.dll"), "emulator", "--port", "0", "--login", TestData.Login, "--quiet" })
            psi.ArgumentList.Add(a);
        psi.Environment["CONNECT_EMULATOR_PASSWORD"] = TestData.Password;
        using var process = Process.Start(psi)!;
        try
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith("Listening on ", StringComparison.Ordinal))
                SecretWatch.Capture("emulator stdout", line);
            if (line is null) Assert.Fail("the emulator did not start: " + await stderr);
            SecretWatch.Capture("emulator stdout", line);
            string baseUrl = line!["Listening on ".Length..];
            Assert.StartsWith("http://127.0.0.1:", baseUrl);
            // What ps shows: the command line, without the password.
            Assert.DoesNotContain(TestData.Password, string.Join(" ", psi.ArgumentList));

            using (var client = new ConnectClient(Options(baseUrl)))
                Assert.Equal(200, (await client.TrySendMessageAsync(new LineMessage(TestData.LineId, TestData.UserId, "from env"))).Status);
            var wrong = Options(baseUrl);
            wrong.Password = "secret"; // the default no longer stands
            using (var client = new ConnectClient(wrong))
                Assert.Equal(401, (await client.TrySendMessageAsync(new LineMessage(TestData.LineId, TestData.UserId, "default"))).Status);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact] // item 7: failed before (--help did not name the variable); help must not print its value as a default either
    public void The_emulator_help_names_the_environment_variable_and_never_its_value()
    {
        var (exit, output, _) = CliProcess.Run(["emulator", "--help"], new Dictionary<string, string> { ["CONNECT_EMULATOR_PASSWORD"] = TestData.Password });
        Assert.Equal(0, exit);
        Assert.Contains("CONNECT_EMULATOR_PASSWORD", output);
        Assert.DoesNotContain(TestData.Password, output);
    }

    [Fact] // item 7: --password still wins over the environment
    public async Task The_emulator_password_option_wins_over_the_environment()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "connect-bridge.dll"), "emulator", "--port", "0", "--login", TestData.Login, "--password", "from-the-option", "--quiet" })
            psi.ArgumentList.Add(a);
        psi.Environment["CONNECT_EMULATOR_PASSWORD"] = TestData.Password;
        using var process = Process.Start(psi)!;
        try
        {
            string? line = await process.StandardOutput.ReadLineAsync();
            Assert.StartsWith("Listening on http://127.0.0.1:", line);
            var options = Options(line!["Listening on ".Length..]);
            options.Password = "from-the-option";
            using var client = new ConnectClient(options);
            Assert.Equal(200, (await client.TrySendMessageAsync(new LineMessage(TestData.LineId, TestData.UserId, "from the option"))).Status);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
