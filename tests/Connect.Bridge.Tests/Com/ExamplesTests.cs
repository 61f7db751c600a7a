using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Connect.Bridge.Tests.Com;

/// <summary>
/// Keeps examples-1c/ in step with the COM class: every member the 1C code calls on the Connect.Bridge.Sender
/// object must exist on <see cref="Sender"/> (a property used as a property, a method called as a method).
/// Convention the check relies on: the COM object variable is always named <c>Отправитель</c>; a creation
/// assigned to any other name fails the check, so new examples cannot slip past it.
/// The add-in AddIn.ConnectBridge.Sender has the same members, also under Russian names: a Russian name is checked
/// as the COM member it stands for, by the add-in's own member table (src/Connect.Bridge.Native/AddIn/SenderMembers.cs, its settings named by src/Connect.Bridge.Hosting/SettingNames.cs).
/// </summary>
public sealed partial class ExamplesTests
{
    private const string ObjectVariable = "Отправитель";

    private static readonly string ExamplesDir = Path.Combine(FindRepoRoot(), "examples-1c");

    public static TheoryData<string> BslFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(ExamplesDir, "*.bsl").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void There_are_examples_for_sending_exceptions_and_drop_keyboard()
    {
        var all = string.Join("\n", Directory.GetFiles(ExamplesDir, "*.bsl").Select(f => File.ReadAllText(f, Encoding.UTF8)));
        Assert.True(Directory.GetFiles(ExamplesDir, "*.bsl").Length >= 3);
        Assert.Contains(".Send(", all, StringComparison.Ordinal);
        Assert.Contains(".ThrowOnError = Истина", all, StringComparison.Ordinal);
        Assert.Contains("Попытка", all, StringComparison.Ordinal);
        Assert.Contains(".DropKeyboard(", all, StringComparison.Ordinal);
        Assert.Contains("Экспорт", all, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(ExamplesDir, "README.md")), "examples-1c/README.md");
    }

    [Theory]
    [MemberData(nameof(BslFiles))]
    public void Bsl_files_are_utf8_with_bom(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(ExamplesDir, file));
        Assert.True(bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]), $"{file} has no UTF-8 BOM");
        _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 3, bytes.Length - 3);
    }

    [Theory]
    [MemberData(nameof(BslFiles))]
    public void Every_member_called_on_the_COM_object_exists_on_Sender(string file)
    {
        CheckCode(file, File.ReadAllText(Path.Combine(ExamplesDir, file), Encoding.UTF8));
    }

    [Fact]
    public void The_README_snippets_call_only_existing_members()
    {
        var readme = File.ReadAllText(Path.Combine(ExamplesDir, "README.md"), Encoding.UTF8);
        var blocks = FencedBsl().Matches(readme).Select(m => m.Groups["code"].Value).ToList();
        Assert.NotEmpty(blocks);
        CheckCode("README.md", string.Join("\n", blocks));
    }

    [Fact]
    public void The_check_catches_a_misspelt_member_a_method_used_as_a_property_and_a_stray_variable()
    {
        Assert.ThrowsAny<Exception>(() => CheckCode("bad", "Отправитель = Новый COMОбъект(\"Connect.Bridge.Sender\");\nОтправитель.Sned(1, 2, 3);"));
        Assert.ThrowsAny<Exception>(() => CheckCode("bad", "Отправитель = Новый COMОбъект(\"Connect.Bridge.Sender\");\nОтправитель.ClearKeyboard = 1;"));
        Assert.ThrowsAny<Exception>(() => CheckCode("bad", "Отправитель = Новый COMОбъект(\"Connect.Bridge.Sender\");\nОтправитель.LastStatusCode();"));
        Assert.ThrowsAny<Exception>(() => CheckCode("bad", "Отправитель = Новый COMОбъект(\"Connect.Bridge.Sender\");\n\tОтправитель.IsSuccess = Истина;"));
        Assert.ThrowsAny<Exception>(() => CheckCode("bad", "Отправитель = Новый COMОбъект(\"Connect.Bridge.Sender\");\nОтправитель.Send(1, 2);"));
        Assert.ThrowsAny<Exception>(() => CheckCode("bad", "Объект = Новый COMОбъект(\"Connect.Bridge.Sender\");\nОбъект.Send(1, 2, 3);"));
        Assert.ThrowsAny<Exception>(() => CheckCode("bad", "Отправитель = Новый COMОбъект(\"Connect.Bridge.Sendr\");\nОтправитель.Send(1, 2, 3);"));
        Assert.ThrowsAny<Exception>(() => CheckCode("bad", "Отправитель = Новый(\"AddIn.ConnectBridge.Sender\");\nОтправитель.Отправить(1, 2);"));
        Assert.ThrowsAny<Exception>(() => CheckCode("bad", "Отправитель = Новый(\"AddIn.ConnectBridge.Sender\");\nОтправитель.КодСостояния = 1;"));
        CheckCode("ok", "Отправитель = Новый(\"AddIn.ConnectBridge.Sender\");\nОтправитель.оТПРАВИТЬ(1, 2, 3);\nОтправитель.ВызыватьИсключения = Истина;");
        // Comments and strings are not code.
        CheckCode("ok", "// Отправитель.Nothing()\nОтправитель = Новый COMОбъект(\"Connect.Bridge.Sender\");\nТ = \"Отправитель.Nothing\";\nОтправитель.send(1, 2, 3);\nЕсли Отправитель.LastStatusCode = 401 Тогда КонецЕсли;");
    }

    private static void CheckCode(string file, string source)
    {
        // The ProgID and the variable convention, checked on the raw text (the ProgID is a string literal).
        var creations = ComCreation().Matches(StripComments(source)).ToList();
        foreach (Match m in creations)
        {
            Assert.True(m.Groups["progid"].Value == Sender.ProgIdName, $"{file}: COMОбъект(\"{m.Groups["progid"].Value}\") is not the ProgID");
            var target = m.Groups["target"].Value;
            Assert.True(target.Equals(ObjectVariable, StringComparison.OrdinalIgnoreCase) || target.Equals("Возврат", StringComparison.OrdinalIgnoreCase),
                $"{file}: the COM object is assigned to \"{target}\"; name it \"{ObjectVariable}\" so the examples check sees its calls");
        }

        var code = StripCommentsAndStrings(source);
        var uses = MemberUse().Matches(code).ToList();
        if (creations.Count > 0 || code.Contains(ObjectVariable, StringComparison.OrdinalIgnoreCase))
            Assert.True(uses.Count > 0, $"{file}: the COM object is used but no member call was found");

        var properties = typeof(Sender).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var methods = typeof(Sender).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName).ToLookup(m => m.Name, StringComparer.OrdinalIgnoreCase);

        foreach (Match use in uses)
        {
            var name = use.Groups["member"].Value;
            if (AddInRussianNames.Value.TryGetValue(name, out var english)) name = english;
            bool called = use.Groups["call"].Success;
            int line = code[..use.Index].Count(c => c == '\n') + 1;
            if (called)
            {
                Assert.True(methods.Contains(name), $"{file}:{line}: {ObjectVariable}.{name}(...) is not a method of Connect.Bridge.Sender");
                var method = methods[name].First();
                int args = CountArguments(code, use.Index + use.Length);
                Assert.True(args == method.GetParameters().Length,
                    $"{file}:{line}: {name} takes {method.GetParameters().Length} argument(s), the example passes {args}");
            }
            else
            {
                Assert.True(properties.TryGetValue(name, out var property), $"{file}:{line}: {ObjectVariable}.{name} is not a property of Connect.Bridge.Sender");
                // "=" is also comparison in 1C: it is an assignment only at the start of a statement.
                int statementStart = Math.Max(code.LastIndexOf('\n', Math.Max(use.Index - 1, 0)), code.LastIndexOf(';', Math.Max(use.Index - 1, 0))) + 1;
                bool atStatementStart = string.IsNullOrWhiteSpace(code[statementStart..use.Index]);
                if (use.Groups["assign"].Success && atStatementStart)
                    Assert.True(property!.SetMethod?.IsPublic == true, $"{file}:{line}: {name} is read-only");
            }
        }
    }

    /// <summary>Counts the arguments of a call whose "(" was just consumed (top-level commas; strings already blanked).</summary>
    private static int CountArguments(string code, int start)
    {
        int depth = 0, commas = 0;
        bool any = false;
        for (int i = start; i < code.Length; i++)
        {
            char c = code[i];
            if (c == '(') depth++;
            else if (c == ')')
            {
                if (depth == 0) return any ? commas + 1 : 0;
                depth--;
            }
            else if (c == ',' && depth == 0) commas++;
            if (!char.IsWhiteSpace(c)) any = true;
        }

        return -1;
    }

    /// <summary>Removes // comments, keeping string literals (1C strings: "..." with "" inside, | continues a line).</summary>
    private static string StripComments(string source) => Lex(source, keepStrings: true);

    /// <summary>Removes // comments and replaces every string literal by "".</summary>
    private static string StripCommentsAndStrings(string source) => Lex(source, keepStrings: false);

    private static string Lex(string source, bool keepStrings)
    {
        var sb = new StringBuilder(source.Length);
        bool inString = false;
        for (int i = 0; i < source.Length; i++)
        {
            char c = source[i];
            if (inString)
            {
                if (c == '"' && i + 1 < source.Length && source[i + 1] == '"')
                {
                    if (keepStrings) sb.Append("\"\"");
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                    sb.Append('"');
                }
                else if (c == '\n')
                {
                    sb.Append('\n'); // a multi-line literal goes on at the next "|"
                }
                else if (keepStrings)
                {
                    sb.Append(c);
                }
            }
            else if (c == '"')
            {
                inString = true;
                sb.Append('"');
            }
            else if (c == '/' && i + 1 < source.Length && source[i + 1] == '/')
            {
                while (i < source.Length && source[i] != '\n') i++;
                if (i < source.Length) sb.Append('\n');
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>Russian name -> English (COM) name, from the add-in's member table.</summary>
    private static readonly Lazy<Dictionary<string, string>> AddInRussianNames = new(() =>
    {
        var names = Connect.Bridge.Native.AddIn.SenderMembers.Properties.Select(p => (p.Russian, p.English))
            .Concat(Connect.Bridge.Native.AddIn.SenderMembers.Methods.Select(m => (m.Russian, m.English)))
            .ToDictionary(n => n.Russian, n => n.English, StringComparer.OrdinalIgnoreCase);
        Assert.True(names.Count >= 20, $"the add-in member table has {names.Count} entries");
        return names;
    });

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bridge.sln")) && Directory.Exists(Path.Combine(dir.FullName, "examples-1c")))
                return dir.FullName;
        }

        throw new DirectoryNotFoundException("repository root with Bridge.sln and examples-1c/ not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"(?<target>[\p{L}_][\p{L}\p{Nd}_]*)\s*=?\s*Новый\s+COMОбъект\s*\(\s*""(?<progid>[^""]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex ComCreation();

    [GeneratedRegex(@"(?<![\p{L}\p{Nd}_.])" + ObjectVariable + @"\s*\.\s*(?<member>[\p{L}_][\p{L}\p{Nd}_]*)(?:\s*(?<call>\()|(?<assign>\s*=(?!=)))?", RegexOptions.IgnoreCase)]
    private static partial Regex MemberUse();

    [GeneratedRegex(@"```(?:bsl|1c)\s*\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FencedBsl();
}
