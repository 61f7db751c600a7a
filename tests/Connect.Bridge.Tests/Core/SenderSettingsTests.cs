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
    };

    [Theory]
    [InlineData("timeout")]
    [InlineData("language")]
    [InlineData("author")]
    [InlineData("keyboard")]
    [InlineData("row")]
    [InlineData("wrong type")]
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
