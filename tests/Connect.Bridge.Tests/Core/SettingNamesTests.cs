using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Connect.Bridge.Native.AddIn;

namespace Connect.Bridge.Tests.Core;

/// <summary>
/// The one table of setting names (src/Connect.Bridge.Hosting/SettingNames.cs) against every place a setting is
/// named: the C header's and the Pascal unit's CB_OPT_* constants (and TCbSender's properties), the COM class's
/// properties, the add-in's member table, the CLI's options and the settings table. Any difference in an id or a name
/// fails. tests/native/check_contract.py still checks the header against the Pascal unit, the SenderSetting enum and
/// tests/corpus/README.md.
/// </summary>
public sealed partial class SettingNamesTests
{
    /// <summary>The CLI options of send / drop-keyboard that are not settings (the call's arguments, the keyboard in either form).</summary>
    private static readonly string[] CliArguments = ["--line", "--user", "--text", "--keyboard", "--keyboard-format"];
    private static readonly string[] DropKeyboardArguments = ["--line", "--user"];

    private static IEnumerable<SettingName> NativeRows => SettingNames.All.Where(r => r.Native is not null);
    private static IEnumerable<SettingName> ComRows => SettingNames.All.Where(r => r.Com is not null);

    [Fact]
    public void The_table_has_one_row_per_setting_and_its_columns_agree()
    {
        Assert.Equal(Enum.GetValues<SenderSetting>().Order(), SettingNames.All.Select(r => r.Setting).Order());
        Assert.Equal(SettingNames.All.Length, SettingNames.All.Select(r => r.Setting).Distinct().Count());
        foreach (var r in SettingNames.All)
        {
            // A native option is exactly a setting below 1000 (the id is the CB_OPT_* value).
            Assert.True((r.Native is not null) == ((int)r.Setting < 1000), $"{r.Setting}: CB_OPT_* name {r.Native ?? "none"} vs id {(int)r.Setting}");
            Assert.True(r.Native is null || r.Native.StartsWith("CB_OPT_", StringComparison.Ordinal), $"{r.Setting}: {r.Native}");
            Assert.True((r.Com is null) == (r.Russian is null), $"{r.Setting}: a COM property has a Russian add-in name and only it");
            Assert.True(r.Com is null || r.Com == r.Name, $"{r.Setting}: the COM name {r.Com} is the name in texts {r.Name}");
            Assert.True(r.Cli is null || Regex.IsMatch(r.Cli, "^--[a-z]+(-[a-z]+)*$"), $"{r.Setting}: CLI option {r.Cli}");
        }

        foreach (var column in new Func<SettingName, string?>[] { r => r.Name, r => r.Native, r => r.Com, r => r.Russian, r => r.Cli })
        {
            var names = SettingNames.All.Select(column).OfType<string>().ToList();
            Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        }
    }

    [Fact]
    public void The_settings_table_names_each_setting_as_the_names_table_does()
    {
        foreach (var r in SettingNames.All)
            Assert.Equal(r.Name, SenderSettings.Find(r.Setting)?.Name);
    }

    [Fact]
    public void The_C_header_defines_exactly_the_tables_CB_OPT_names_and_ids()
    {
        var header = Read("native", "include", "connect_bridge.h");
        var defined = HeaderOption().Matches(header).ToDictionary(m => m.Groups["name"].Value, m => int.Parse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture));
        AssertSameOptions(defined, "native/include/connect_bridge.h");
    }

    [Fact]
    public void The_Pascal_unit_declares_exactly_the_tables_CB_OPT_names_and_ids_and_names_its_properties_alike()
    {
        var unit = Read("native", "delphi", "ConnectBridge.pas");
        var declared = PascalOption().Matches(unit).ToDictionary(m => m.Groups["name"].Value, m => int.Parse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture));
        AssertSameOptions(declared, "native/delphi/ConnectBridge.pas");

        // TCbSender's properties: property BaseUrl: UnicodeString index CB_OPT_BASE_URL write SetOptionByIndex;
        var properties = PascalProperty().Matches(unit).Select(m => (Property: m.Groups["property"].Value, Option: m.Groups["option"].Value)).ToList();
        Assert.NotEmpty(properties);
        foreach (var (property, option) in properties)
        {
            var row = SettingNames.All.SingleOrDefault(r => r.Native == option);
            Assert.True(row is not null, $"TCbSender.{property} writes {option}, which the table does not have");
            Assert.True(row.Name == property, $"TCbSender.{property} writes {option}, which the table names {row.Name}");
        }
    }

    [Fact]
    public void The_COM_class_has_exactly_the_tables_setting_properties_and_each_sets_its_setting()
    {
        // Settings are the VARIANT (object) properties; the others (LastStatusCode, Version, ...) are typed.
        var settings = typeof(Sender).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.PropertyType == typeof(object)).ToList();
        Assert.Equal(ComRows.Select(r => r.Com).Order(StringComparer.Ordinal), settings.Select(p => p.Name).Order(StringComparer.Ordinal));

        foreach (var r in ComRows)
        {
            // A value of no known kind is refused with a text that names the setting: the property reaches that row.
            var com = new Sender { Language = "en" };
            typeof(Sender).GetProperty(r.Com!)!.SetValue(com, new Uri("http://example.com/"));
            Assert.Equal(-1, com.LastStatusCode);
            Assert.StartsWith($"Invalid argument: {r.Name} must be ", com.LastErrorText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_addin_member_table_has_the_tables_setting_properties_in_its_order_and_each_sets_its_setting()
    {
        var settings = SenderMembers.Properties.Where(p => p.Setting is not null).ToList();
        Assert.Equal(
            ComRows.Select(r => (r.Com, r.Russian, (SenderSetting?)r.Setting)),
            settings.Select(p => ((string?)p.English, (string?)p.Russian, p.Setting)));

        foreach (var p in settings)
        {
            using var component = new SenderComponent();
            component.Core.Set(SenderSetting.Language, "en");
            var outcome = p.Set!(component, HostValue.Other("Uri"));
            Assert.Equal(-1, outcome.Status);
            Assert.StartsWith($"Invalid argument: {SettingNames.Of(p.Setting!.Value).Name} must be ", outcome.ErrorText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_addin_has_every_COM_member_under_the_same_English_name()
    {
        var com = typeof(Sender).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name);
        Assert.Equal(com.Order(StringComparer.Ordinal), SenderMembers.Properties.Select(p => p.English).Order(StringComparer.Ordinal));
        var comMethods = typeof(Sender).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => !m.IsSpecialName).Select(m => m.Name);
        Assert.Equal(comMethods.Order(StringComparer.Ordinal), SenderMembers.Methods.Select(m => m.English).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_addin_test_hosts_expected_member_table_is_the_addins_member_table()
    {
        // tests/addin/host.cpp calls the add-in by these names as 1C would; its table must be the add-in's, row for row
        // (names, order = the host's numbers, readable/writable, parameter count, function or procedure).
        var host = Read("tests", "addin", "host.cpp");
        var props = HostPropRow().Matches(Block(host, "kProps")).Select(m =>
            (m.Groups["en"].Value, m.Groups["ru"].Value, m.Groups["r"].Value == "true", m.Groups["w"].Value == "true")).ToList();
        var methods = HostMethodRow().Matches(Block(host, "kMethods")).Select(m =>
            (m.Groups["en"].Value, m.Groups["ru"].Value, int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["ret"].Value == "true")).ToList();

        Assert.Equal(SenderMembers.Properties.Select(p => (p.English, p.Russian, true, p.Set is not null)), props);
        Assert.Equal(SenderMembers.Methods.Select(m => (m.English, m.Russian, m.Parameters.Length, m.ReturnsStatus)), methods);
    }

    /// <summary>The initializer of the C++ array <paramref name="name"/>: from "name[] = {" to the "};" that ends it.</summary>
    private static string Block(string source, string name)
    {
        int start = source.IndexOf($" {name}[] = {{", StringComparison.Ordinal);
        Assert.True(start >= 0, $"tests/addin/host.cpp has no array {name}");
        int end = source.IndexOf("\n};", start, StringComparison.Ordinal);
        Assert.True(end > start, $"tests/addin/host.cpp: the array {name} does not end");
        return source[start..end];
    }

    [Theory]
    [InlineData("send")]
    [InlineData("drop-keyboard")]
    public void The_CLI_options_are_the_tables_CLI_names_plus_the_calls_arguments(string command)
    {
        var (exit, output, error) = CliProcess.Run(command, "--help");
        Assert.True(exit == 0, error);
        var options = CliOptionLine().Matches(output).Select(m => m.Groups["option"].Value).Where(o => o is not ("--help")).ToList();

        var arguments = command == "send" ? CliArguments : DropKeyboardArguments;
        var settings = options.Except(arguments).ToList();
        Assert.Equal(
            SettingNames.All.Select(r => r.Cli).OfType<string>().Where(o => command == "send" || !SendOnly(o)).Order(StringComparer.Ordinal),
            settings.Order(StringComparer.Ordinal));
        Assert.Empty(arguments.Except(options));

        // A boolean setting is a flag: its help line shows no value.
        foreach (var r in SettingNames.All.Where(r => r.Cli is not null && options.Contains(r.Cli)))
        {
            var line = output.Split('\n').Single(l => Regex.IsMatch(l, @"^\s+(-\S+,\s*)?" + Regex.Escape(r.Cli!) + @"(\s|$)"));
            bool takesValue = Regex.IsMatch(line, Regex.Escape(r.Cli!) + @"\s+<");
            Assert.True(takesValue == (r.Kind != SettingKind.Boolean), $"{command} {r.Cli} ({r.Kind}): {line.Trim()}");
        }
    }

    /// <summary>Options of send only: what the message carries (drop-keyboard sends no author, no general_settings).</summary>
    private static bool SendOnly(string option) =>
        option == SettingNames.Of(SenderSetting.AuthorId).Cli || option == SettingNames.Of(SenderSetting.GeneralSettings).Cli;

    private static void AssertSameOptions(Dictionary<string, int> found, string where)
    {
        var expected = NativeRows.ToDictionary(r => r.Native!, r => (int)r.Setting);
        Assert.True(found.Count > 0, $"no CB_OPT_* in {where}");
        var onlyThere = found.Keys.Except(expected.Keys).Order(StringComparer.Ordinal).ToList();
        var onlyInTable = expected.Keys.Except(found.Keys).Order(StringComparer.Ordinal).ToList();
        var otherIds = expected.Keys.Intersect(found.Keys).Where(k => expected[k] != found[k]).Select(k => $"{k} {found[k]} (table {expected[k]})").ToList();
        Assert.True(onlyThere.Count == 0 && onlyInTable.Count == 0 && otherIds.Count == 0,
            $"{where}: only there [{string.Join(", ", onlyThere)}], only in the table [{string.Join(", ", onlyInTable)}], other ids [{string.Join(", ", otherIds)}]");
    }

    private static string Read(params string[] parts) => File.ReadAllText(Path.Combine([RepoPaths.Root, .. parts]), Encoding.UTF8);

    [GeneratedRegex(@"^#define\s+(?<name>CB_OPT_[A-Z0-9_]+)\s+(?<id>\d+)", RegexOptions.Multiline)]
    private static partial Regex HeaderOption();

    [GeneratedRegex(@"^\s*(?<name>CB_OPT_[A-Z0-9_]+)\s*=\s*(?<id>\d+)\s*;", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex PascalOption();

    [GeneratedRegex(@"^\s*property\s+(?<property>\w+)\s*:\s*\w+\s+index\s+(?<option>CB_OPT_[A-Z0-9_]+)", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex PascalProperty();

    [GeneratedRegex(@"^\s+(?:-\S+,\s*)*(?<option>--[a-z][a-z-]*)", RegexOptions.Multiline)]
    private static partial Regex CliOptionLine();

    [GeneratedRegex(@"^\s*\{\s*""(?<en>[A-Za-z]+)"",\s*""(?<ru>[^""]+)"",\s*(?<r>true|false),\s*(?<w>true|false)\s*\},", RegexOptions.Multiline)]
    private static partial Regex HostPropRow();

    [GeneratedRegex(@"^\s*\{\s*""(?<en>[A-Za-z]+)"",\s*""(?<ru>[^""]+)"",\s*(?<n>\d+),\s*(?<ret>true|false)\s*\},", RegexOptions.Multiline)]
    private static partial Regex HostMethodRow();
}
