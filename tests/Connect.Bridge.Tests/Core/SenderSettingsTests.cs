using NSubstitute;

namespace Connect.Bridge.Tests.Core;

/// <summary>The one settings table: conversions from every host kind, one bound, one wording, sticky refusals.</summary>
public class SenderSettingsTests
{
    private readonly ILineClient _client = Substitute.For<ILineClient>();

    private BridgeSender Sender()
    {
        _client.TrySendMessage(default!).ReturnsForAnyArgs(new SendOutcome(200, ""));
        _client.TryDropKeyboard(default!, default!).ReturnsForAnyArgs(new SendOutcome(200, ""));
        var sender = new BridgeSender(_ => _client);
        sender.Set(SenderSetting.Language, "en");
        return sender;
    }

    public static TheoryData<string, object?, string> TimeoutSecondsRefusals => new()
    {
        { "text NaN", "NaN", "Invalid option: the timeout \"NaN\" must be between 1 ms and 1 hour." },
        { "text 1e20", "1e20", "Invalid option: the timeout \"1e20\" must be between 1 ms and 1 hour." },
        { "text Infinity", "Infinity", "Invalid option: the timeout \"Infinity\" must be between 1 ms and 1 hour." },
        { "number NaN", double.NaN, "Invalid option: the timeout \"NaN\" must be between 1 ms and 1 hour." },
        { "number 1e20", 1e20, "Invalid option: the timeout \"1E+20\" must be between 1 ms and 1 hour." },
        { "zero", 0, "Invalid option: the timeout \"0\" must be between 1 ms and 1 hour." },
        { "over an hour", 3600.001, "Invalid option: the timeout \"3600.001\" must be between 1 ms and 1 hour." },
        { "empty", null, "Invalid option: the timeout \"\" must be between 1 ms and 1 hour." },
        { "boolean", true, "Invalid argument: TimeoutSeconds must be a number, got boolean." },
    };

    [Theory]
    [MemberData(nameof(TimeoutSecondsRefusals))]
    public void Timeout_seconds_refusals_name_what_was_given(string about, object? value, string expected)
    {
        var sender = Sender();
        var outcome = sender.Set(SenderSetting.TimeoutSeconds, Host(value));
        Assert.True(outcome.Status == -1, about);
        Assert.Equal(expected, outcome.ErrorText);
    }

    [Fact]
    public void Timeout_is_stored_as_given_and_reads_back_unrounded()
    {
        var sender = Sender();
        Assert.Equal(0, sender.Set(SenderSetting.TimeoutSeconds, HostValue.Number(1.5)).Status);
        Assert.Equal(1.5, sender.Get(SenderSetting.TimeoutSeconds).AsNumber);
        Assert.Equal(1500, sender.Get(SenderSetting.TimeoutMs).AsInteger);
        Assert.Equal(0, sender.Set(SenderSetting.TimeoutSeconds, HostValue.Number(20.0)).Status);
        Assert.Equal((HostValueKind.Integer, 20L), (sender.Get(SenderSetting.TimeoutSeconds).Kind, sender.Get(SenderSetting.TimeoutSeconds).AsInteger));
        Assert.Equal(0, sender.Set(SenderSetting.TimeoutSeconds, HostValue.Text("0.25")).Status);
        Assert.Equal(TimeSpan.FromMilliseconds(250), sender.Options.Timeout);
        Assert.Equal(0, sender.Set(SenderSetting.TimeoutMs, HostValue.Number(3_600_000)).Status);
        Assert.Equal(TimeSpan.FromHours(1), sender.Options.Timeout);
    }

    public static TheoryData<string, SenderSetting, object?, string> RetryDelayRefusals => new()
    {
        { "9 ms", SenderSetting.RetryDelayMs, "9", "Invalid option: the retry delay \"9\" must be between 10 ms and 30 s." },
        { "30001 ms", SenderSetting.RetryDelayMs, 30_001, "Invalid option: the retry delay \"30001\" must be between 10 ms and 30 s." },
        { "a fraction of a ms", SenderSetting.RetryDelayMs, 250.5, "Invalid option: the retry delay \"250.5\" must be between 10 ms and 30 s." },
        { "ms as a decimal text", SenderSetting.RetryDelayMs, "0.25", "Invalid option: the retry delay \"0.25\" must be between 10 ms and 30 s." },
        { "ms empty", SenderSetting.RetryDelayMs, null, "Invalid option: the retry delay \"\" must be between 10 ms and 30 s." },
        { "ms boolean", SenderSetting.RetryDelayMs, true, "Invalid argument: RetryDelayMs must be a number, got boolean." },
        { "9 ms in seconds", SenderSetting.RetryDelaySeconds, 0.009, "Invalid option: the retry delay \"0.009\" must be between 10 ms and 30 s." },
        { "over 30 s", SenderSetting.RetryDelaySeconds, 30.001, "Invalid option: the retry delay \"30.001\" must be between 10 ms and 30 s." },
        { "zero", SenderSetting.RetryDelaySeconds, 0, "Invalid option: the retry delay \"0\" must be between 10 ms and 30 s." },
        { "text NaN", SenderSetting.RetryDelaySeconds, "NaN", "Invalid option: the retry delay \"NaN\" must be between 10 ms and 30 s." },
        { "number 1e20", SenderSetting.RetryDelaySeconds, 1e20, "Invalid option: the retry delay \"1E+20\" must be between 10 ms and 30 s." },
        { "seconds empty", SenderSetting.RetryDelaySeconds, null, "Invalid option: the retry delay \"\" must be between 10 ms and 30 s." },
        { "seconds boolean", SenderSetting.RetryDelaySeconds, false, "Invalid argument: RetryDelaySeconds must be a number, got boolean." },
    };

    [Theory]
    [MemberData(nameof(RetryDelayRefusals))]
    public void Retry_delay_refusals_use_the_cores_bounds_and_keep_the_value(string about, SenderSetting setting, object? value, string expected)
    {
        var sender = Sender();
        Assert.Equal(0, sender.Set(SenderSetting.RetryDelayMs, "500").Status);
        var outcome = sender.Set(setting, Host(value));
        Assert.True(outcome.Status == -1, about);
        Assert.Equal(expected, outcome.ErrorText);
        Assert.Equal(TimeSpan.FromMilliseconds(500), sender.Options.RetryDelay);
    }

    [Fact]
    public void Retry_delay_reads_back_in_the_unit_it_is_asked_in_and_reaches_the_client()
    {
        ConnectClientOptions? built = null;
        _client.TrySendMessage(default!).ReturnsForAnyArgs(new SendOutcome(200, ""));
        using var sender = new BridgeSender(o => { built = o; return _client; });
        Assert.Equal((HostValueKind.Integer, 250L), (sender.Get(SenderSetting.RetryDelayMs).Kind, sender.Get(SenderSetting.RetryDelayMs).AsInteger));
        Assert.Equal((HostValueKind.Number, 0.25), (sender.Get(SenderSetting.RetryDelaySeconds).Kind, sender.Get(SenderSetting.RetryDelaySeconds).AsNumber));

        Assert.Equal(0, sender.Set(SenderSetting.RetryDelaySeconds, HostValue.Number(1.5)).Status);
        Assert.Equal(1.5, sender.Get(SenderSetting.RetryDelaySeconds).AsNumber);
        Assert.Equal(1500, sender.Get(SenderSetting.RetryDelayMs).AsInteger);
        Assert.Equal(0, sender.Set(SenderSetting.RetryDelaySeconds, HostValue.Number(2.0)).Status);
        Assert.Equal((HostValueKind.Integer, 2L), (sender.Get(SenderSetting.RetryDelaySeconds).Kind, sender.Get(SenderSetting.RetryDelaySeconds).AsInteger));
        Assert.Equal(0, sender.Set(SenderSetting.RetryDelaySeconds, HostValue.Text("0,01")).Status); // the lower bound, decimal comma
        Assert.Equal(TimeSpan.FromMilliseconds(Limits.MinRetryDelayMs), sender.Options.RetryDelay);
        Assert.Equal(0, sender.Set(SenderSetting.RetryDelayMs, HostValue.Number(30_000)).Status); // the upper bound, a whole number
        Assert.Equal(TimeSpan.FromMilliseconds(Limits.MaxRetryDelayMs), sender.Options.RetryDelay);
        Assert.Equal((HostValueKind.Integer, 30L), (sender.Get(SenderSetting.RetryDelaySeconds).Kind, sender.Get(SenderSetting.RetryDelaySeconds).AsInteger));

        Assert.Equal(0, sender.Set(SenderSetting.RetryDelayMs, "40").Status);
        Assert.Equal(200, sender.Send(TestData.LineId, TestData.UserId, "hi").Status);
        Assert.Equal(TimeSpan.FromMilliseconds(40), built?.RetryDelay);
    }

    [Theory]
    [InlineData(1.5, "Invalid option: the retry count \"1.5\" must be between 0 and 10.")]
    [InlineData(11L, "Invalid option: the retry count \"11\" must be between 0 and 10.")]
    [InlineData(-1, "Invalid option: the retry count \"-1\" must be between 0 and 10.")]
    [InlineData("two", "Invalid option: the retry count \"two\" must be between 0 and 10.")]
    public void Retries_must_be_whole_and_in_bounds(object value, string expected)
    {
        var outcome = Sender().Set(SenderSetting.MaxRetries, Host(value));
        Assert.Equal(-1, outcome.Status);
        Assert.Equal(expected, outcome.ErrorText);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(1, true)]
    [InlineData(0, false)]
    [InlineData("true", true)]
    [InlineData("FALSE", false)]
    [InlineData("Истина", true)]
    [InlineData("ложь", false)]
    [InlineData(" 1 ", true)]
    public void Booleans_come_in_every_host_form(object value, bool expected)
    {
        var sender = Sender();
        Assert.Equal(0, sender.Set(SenderSetting.GeneralSettings, Host(value)).Status);
        Assert.Equal(expected, sender.GeneralSettings);
        Assert.Equal(0, sender.Set(SenderSetting.AllowInsecureHttp, Host(value)).Status);
        Assert.Equal(expected, sender.Options.AllowInsecureHttp);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Empty_general_settings_omit_the_field(string? value)
    {
        var sender = Sender();
        sender.Set(SenderSetting.GeneralSettings, HostValue.Boolean(false));
        Assert.Equal(0, sender.Set(SenderSetting.GeneralSettings, HostValue.Text(value)).Status);
        Assert.Null(sender.GeneralSettings);
        Assert.Equal(HostValueKind.Empty, sender.Get(SenderSetting.GeneralSettings).Kind);
    }

    [Theory]
    [InlineData("yaml", "Invalid argument: unknown keyboard format yaml (0 auto, 1 JSON, 2 rows).")]
    [InlineData("3", "Invalid argument: unknown keyboard format 3 (0 auto, 1 JSON, 2 rows).")]
    public void Keyboard_format_by_name_names_what_was_typed(string format, string expected)
    {
        var outcome = Sender().SetKeyboard(HostValue.Text("A|B"), HostValue.Text(format));
        Assert.Equal(-1, outcome.Status);
        Assert.Equal(expected, outcome.ErrorText);
    }

    [Theory]
    [InlineData("rows", "A | B")]
    [InlineData("JSON", "A")]
    [InlineData("auto", "A | B")]
    public void Keyboard_format_names_are_accepted(string format, string firstRow)
    {
        var sender = Sender();
        string text = format == "JSON" ? """[["A"]]""" : "A|B";
        Assert.Equal(0, sender.SetKeyboard(HostValue.Text(text), HostValue.Text(format)).Status);
        Assert.Equal(firstRow, sender.GetKeyboard(KeyboardFormat.Rows));
    }

    [Fact]
    public void Text_settings_refuse_other_kinds_with_the_setting_name()
    {
        var outcome = Sender().Set(SenderSetting.BaseUrl, HostValue.Integer(5));
        Assert.Equal(-1, outcome.Status);
        Assert.Equal("Invalid argument: BaseUrl must be a string, got integer.", outcome.ErrorText);
    }

    private static readonly Dictionary<string, (Func<BridgeSender, SendOutcome> Refuse, Func<BridgeSender, SendOutcome> Fix, string Expected)> RefusalCases = new()
    {
        ["timeout"] = (s => s.Set(SenderSetting.TimeoutMs, "0"), s => s.Set(SenderSetting.TimeoutSeconds, HostValue.Number(2)),
          "Invalid option: the timeout \"0\" must be between 1 ms and 1 hour."),
        ["language"] = (s => s.Set(SenderSetting.Language, "de"), s => s.Set(SenderSetting.Language, "en"),
          "Invalid option: the language \"de\" is not supported; use ru or en."),
        ["author"] = (s => s.Set(SenderSetting.AuthorId, "nope"), s => s.Set(SenderSetting.AuthorId, ""),
          "Invalid argument: author_id \"nope\" is not a UUID (expected like 5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44)."),
        ["keyboard"] = (s => s.SetKeyboard("[[]]", KeyboardFormat.Json), s => s.SetKeyboard("A", KeyboardFormat.Rows),
          "Invalid keyboard (row 1): the keyboard row is empty."),
        ["row"] = (s => s.AddKeyboardRow("|"), s => s.ClearKeyboard(),
          "Invalid keyboard (row 1): the row holds only '|' separators."),
        ["wrong type"] = (s => s.Set(SenderSetting.Login, HostValue.Boolean(true)), s => s.Set(SenderSetting.Login, "bot"),
          "Invalid argument: Login must be a string, got boolean."),
        // RetryDelayMs and RetryDelaySeconds are one setting: setting either validly ends the other's refusal.
        ["retry delay"] = (s => s.Set(SenderSetting.RetryDelayMs, "5"), s => s.Set(SenderSetting.RetryDelaySeconds, HostValue.Number(0.5)),
          "Invalid option: the retry delay \"5\" must be between 10 ms and 30 s."),
    };

    [Theory]
    [InlineData("timeout")]
    [InlineData("language")]
    [InlineData("author")]
    [InlineData("keyboard")]
    [InlineData("row")]
    [InlineData("wrong type")]
    [InlineData("retry delay")]
    public void A_refused_setting_is_sticky_until_set_again_validly(string about)
    {
        var (refuse, fix, expected) = RefusalCases[about];
        var sender = Sender();
        Assert.Equal(-1, refuse(sender).Status);

        // Another setting accepted: it returns 0, but the refusal still stands and is still reported.
        Assert.Equal(0, sender.Set(SenderSetting.ProxyLogin, "p").Status);
        Assert.Equal(-1, sender.LastOutcome.Status);
        Assert.Equal(expected, sender.LastOutcome.ErrorText);

        var send = sender.Send(TestData.LineId, TestData.UserId, "hi");
        var drop = sender.DropKeyboard(TestData.LineId, TestData.UserId);
        Assert.Equal((-1, expected), (send.Status, send.ErrorText));
        Assert.Equal((-1, expected), (drop.Status, drop.ErrorText));
        _client.DidNotReceiveWithAnyArgs().TrySendMessage(default!);
        _client.DidNotReceiveWithAnyArgs().TryDropKeyboard(default!, default!);

        Assert.Equal(0, fix(sender).Status);
        Assert.Equal(0, sender.LastOutcome.Status);
        Assert.True(sender.Send(TestData.LineId, TestData.UserId, "hi").IsSuccess, about);
    }

    [Fact]
    public void The_oldest_standing_refusal_is_reported_until_each_is_fixed()
    {
        var sender = Sender();
        sender.Set(SenderSetting.MaxRetries, "11");
        sender.Set(SenderSetting.AuthorId, "nope");
        Assert.StartsWith("Invalid option: the retry count", sender.Send(TestData.LineId, TestData.UserId, "x").ErrorText, StringComparison.Ordinal);
        sender.Set(SenderSetting.MaxRetries, "1");
        Assert.StartsWith("Invalid argument: author_id", sender.Send(TestData.LineId, TestData.UserId, "x").ErrorText, StringComparison.Ordinal);
        sender.Set(SenderSetting.AuthorId, "");
        Assert.Equal(200, sender.Send(TestData.LineId, TestData.UserId, "x").Status);
    }

    [Fact]
    public void Model_factory_builds_outcomes_a_substitute_client_can_return()
    {
        var outcome = ConnectBridgeModelFactory.SendOutcome(503, "HTTP 503", serverError: "busy", attempts: 3);
        Assert.Equal((503, "HTTP 503", "busy", 3, false), (outcome.Status, outcome.ErrorText, outcome.ServerError, outcome.Attempts, outcome.IsSuccess));
        Assert.True(ConnectBridgeModelFactory.SendOutcome(200).IsSuccess);
        Assert.Throws<ArgumentOutOfRangeException>(() => ConnectBridgeModelFactory.SendOutcome(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConnectBridgeModelFactory.SendOutcome(-6));
    }

    [Fact]
    public void The_core_assembly_holds_no_hosting_types_and_shows_its_internals_to_its_tests_and_hosting_only()
    {
        var core = typeof(ConnectClient).Assembly;
        var hosting = typeof(BridgeSender).Assembly;
        Assert.Equal("Connect.Bridge.Hosting", hosting.GetName().Name);
        // No type of the hosting layer is compiled into the packed core, public or not.
        var coreTypes = core.GetTypes().Select(t => t.FullName!).ToHashSet();
        var hostingTypes = hosting.GetTypes().Where(t => t.Namespace == "Connect.Bridge.Hosting" && !t.IsNested).Select(t => t.Name).ToArray();
        Assert.Contains(nameof(BridgeSender), hostingTypes);
        Assert.DoesNotContain(coreTypes, n => n.StartsWith("Connect.Bridge.Hosting", StringComparison.Ordinal) || n.StartsWith("Connect.Bridge.Adapters", StringComparison.Ordinal));
        Assert.All(hostingTypes, name => Assert.DoesNotContain("Connect.Bridge." + name, coreTypes));
        Assert.Contains("Connect.Bridge.ConnectBridgeModelFactory", core.GetExportedTypes().Select(t => t.FullName!));
        var friends = core.GetCustomAttributes(typeof(System.Runtime.CompilerServices.InternalsVisibleToAttribute), false)
            .Cast<System.Runtime.CompilerServices.InternalsVisibleToAttribute>().Select(a => a.AssemblyName).Order(StringComparer.Ordinal);
        Assert.Equal(["Connect.Bridge.Hosting", "Connect.Bridge.Tests"], friends);
    }

    [Fact]
    public void Log_file_gets_one_line_per_attempt_without_the_password()
    {
        string path = Path.Combine(Path.GetTempPath(), "cb-log-" + Guid.NewGuid().ToString("N") + ".log");
        try
        {
            var sender = Sender();
            Assert.Equal(0, sender.Set(SenderSetting.LogFile, path).Status);
            Assert.Equal(path, sender.Get(SenderSetting.LogFile).AsText);
            var bad = sender.Set(SenderSetting.LogFile, Path.Combine(path, "no", "such", "dir.log"));
            Assert.Equal(-1, bad.Status);
            Assert.StartsWith("Invalid option: the log file \"", bad.ErrorText, StringComparison.Ordinal);
            Assert.EndsWith("\" cannot be opened for appending (DirectoryNotFoundException).", bad.ErrorText, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static HostValue Host(object? value) => value switch
    {
        null => HostValue.Empty,
        string s => HostValue.Text(s),
        bool b => HostValue.Boolean(b),
        int i => HostValue.Integer(i),
        long l => HostValue.Integer(l),
        double d => HostValue.Number(d),
        _ => throw new ArgumentException(value.GetType().Name),
    };
}
