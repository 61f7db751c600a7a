using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Connect.Bridge.Tests.Reliability;

/// <summary>A value of the corpus notation (see tests/corpus/README.md): NULL, text, raw bytes, or raw UTF-16 units.</summary>
public sealed record CorpusValue(CorpusValue.Kinds Kind, string? Text, byte[]? Bytes)
{
    public enum Kinds { Null, Text, Bytes, Utf16 }

    public static readonly CorpusValue Null = new(Kinds.Null, null, null);

    /// <summary>Largest string a value may expand to (characters or bytes), so a typo cannot exhaust memory.</summary>
    public const int MaxLength = 4 * 1024 * 1024;

    public int Length => Kind == Kinds.Bytes ? Bytes!.Length : Text?.Length ?? 0;

    public static CorpusValue Parse(JsonNode? node, string where)
    {
        switch (node)
        {
            case null:
                return Null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                string text;
                try { text = v.GetValue<string>(); }
                catch (InvalidOperationException) { throw new FormatException($"{where}: a string with an escaped lone surrogate; use {{\"utf16\": ...}}"); }
                if (!IsWellFormed(text)) throw new FormatException($"{where}: a string with a lone surrogate; use {{\"utf16\": ...}}");
                return new(Kinds.Text, text, null);
            case JsonObject o when o.Count == 1 && o["hex"] is JsonValue hex:
                return new(Kinds.Bytes, null, Convert.FromHexString(hex.GetValue<string>().Replace(" ", "", StringComparison.Ordinal)));
            case JsonObject o when o.Count == 1 && o["utf16"] is JsonValue units:
                var chars = units.GetValue<string>().Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Select(u => u.Length == 4 ? (char)ushort.Parse(u, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) : throw new FormatException($"{where}: utf16 units are 4 hex digits"))
                    .ToArray();
                return new(Kinds.Utf16, new string(chars), null);
            case JsonObject o when o.Count == 2 && o["repeat"] is { } part && o["count"] is JsonValue countNode:
                int count = countNode.GetValue<int>();
                var unit = Parse(part, where + ".repeat");
                if (unit.Kind == Kinds.Null) throw new FormatException($"{where}: null cannot be repeated");
                if (count < 0 || (long)unit.Length * count > MaxLength) throw new FormatException($"{where}: count {count} out of range");
                return Concat(Enumerable.Repeat(unit, count).ToList(), unit.Kind, where);
            case JsonObject o when o.Count == 1 && o["concat"] is JsonArray parts:
                var values = parts.Select((p, i) => Parse(p, $"{where}.concat[{i}]")).ToList();
                if (values.Any(x => x.Kind == Kinds.Null)) throw new FormatException($"{where}: null inside concat");
                bool bytes = values.Any(x => x.Kind == Kinds.Bytes), utf16 = values.Any(x => x.Kind == Kinds.Utf16);
                if (bytes && utf16) throw new FormatException($"{where}: hex and utf16 cannot be mixed");
                return Concat(values, bytes ? Kinds.Bytes : utf16 ? Kinds.Utf16 : Kinds.Text, where);
            default:
                throw new FormatException($"{where}: not a value of the notation: {node.ToJsonString()}");
        }
    }

    private static CorpusValue Concat(List<CorpusValue> parts, Kinds kind, string where)
    {
        if (parts.Sum(p => (long)p.Length) > MaxLength) throw new FormatException($"{where}: longer than {MaxLength}");
        if (kind == Kinds.Bytes)
        {
            var all = new List<byte>();
            foreach (var p in parts) all.AddRange(p.Kind == Kinds.Bytes ? p.Bytes! : Encoding.UTF8.GetBytes(p.Text!));
            return new(Kinds.Bytes, null, [.. all]);
        }
        var sb = new StringBuilder();
        foreach (var p in parts) sb.Append(p.Text);
        return new(kind, sb.ToString(), null);
    }

    public static bool IsWellFormed(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
            if (char.IsSurrogate(s[i])) return false;
        }
        return true;
    }

    public bool HasNul => Kind is Kinds.Text or Kinds.Utf16 ? Text!.Contains('\0') : Bytes?.Contains((byte)0) == true;
}

/// <summary>One step: set an option, set the keyboard, or a call (send / drop_keyboard).</summary>
public abstract record CorpusStep
{
    public sealed record Option(int Id, CorpusValue Value) : CorpusStep;
    public sealed record SetKeyboard(CorpusValue Text, int Format) : CorpusStep;
    public sealed record Send(CorpusValue Line, CorpusValue User, CorpusValue Text) : CorpusStep;
    public sealed record Drop(CorpusValue Line, CorpusValue User) : CorpusStep;

    public bool IsCall => this is Send or Drop;

    public IEnumerable<CorpusValue> Values => this switch
    {
        Option o => [o.Value],
        SetKeyboard k => [k.Text],
        Send s => [s.Line, s.User, s.Text],
        Drop d => [d.Line, d.User],
        _ => [],
    };

    public static CorpusStep Parse(JsonObject o, string where)
    {
        if (o["option"] is JsonValue id && o.Count == 2 && o.ContainsKey("value"))
            return new Option(id.GetValue<int>(), CorpusValue.Parse(o["value"], where + ".value"));
        if (o.ContainsKey("keyboard") && o["format"] is JsonValue format && o.Count == 2)
            return new SetKeyboard(CorpusValue.Parse(o["keyboard"], where + ".keyboard"), format.GetValue<int>());
        if (o["send"] is JsonObject s && o.Count == 1 && s.Count == 3 && s.ContainsKey("line") && s.ContainsKey("user") && s.ContainsKey("text"))
            return new Send(CorpusValue.Parse(s["line"], where + ".line"), CorpusValue.Parse(s["user"], where + ".user"), CorpusValue.Parse(s["text"], where + ".text"));
        if (o["drop_keyboard"] is JsonObject d && o.Count == 1 && d.Count == 2 && d.ContainsKey("line") && d.ContainsKey("user"))
            return new Drop(CorpusValue.Parse(d["line"], where + ".line"), CorpusValue.Parse(d["user"], where + ".user"));
        throw new FormatException($"{where}: not a step: {o.ToJsonString()}");
    }
}

/// <summary>What a case must produce, in both languages.</summary>
public sealed record CorpusExpect(int Step, int Status, int Requests, string Ru, string En);

public sealed record CorpusCase(string File, string Id, string About, string[] Surfaces, CorpusStep[] Steps, CorpusExpect? Expect, JsonObject Node)
{
    public const string DotNet = "dotnet", Native = "native", Com = "com", Cli = "cli";
    public static readonly string[] AllSurfaces = [DotNet, Native, Com, Cli];

    public override string ToString() => Id;
}

/// <summary>Loads tests/corpus/*.json and checks each case against the rules of the surfaces it names.</summary>
public static class Corpus
{
    /// <summary>COM has properties, not option ids: the ids a COM runner can set as VT_BSTR string properties.</summary>
    public static readonly IReadOnlyDictionary<int, string> ComProperties = new Dictionary<int, string>
    {
        [1] = "BaseUrl", [2] = "Login", [3] = "Password", [5] = "Language", [6] = "AuthorId",
        [8] = "ProxyUrl", [9] = "ProxyLogin", [10] = "ProxyPassword",
    };

    private static readonly Lazy<IReadOnlyList<CorpusCase>> Cached = new(() => Load(RepoPaths.Corpus));

    public static IReadOnlyList<CorpusCase> Cases => Cached.Value;

    public static IReadOnlyList<CorpusCase> Load(string directory)
    {
        var cases = new List<CorpusCase>();
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var doc = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            if (doc["format"]?.GetValue<int>() != 1) throw new FormatException($"{file}: \"format\": 1 expected");
            foreach (var node in doc["cases"]!.AsArray())
            {
                var o = node!.AsObject();
                string id = o["id"]!.GetValue<string>();
                var surfaces = o["surfaces"]?.AsArray().Select(s => s!.GetValue<string>()).ToArray() ?? CorpusCase.AllSurfaces;
                var steps = o["steps"]!.AsArray().Select((s, i) => CorpusStep.Parse(s!.AsObject(), $"{id}.steps[{i}]")).ToArray();
                CorpusExpect? expect = o["expect"] is JsonObject e
                    ? new(e["step"]!.GetValue<int>(), e["status"]!.GetValue<int>(), e["requests"]!.GetValue<int>(), e["ru"]!.GetValue<string>(), e["en"]!.GetValue<string>())
                    : null;
                cases.Add(new CorpusCase(Path.GetFileName(file), id, o["about"]?.GetValue<string>() ?? "", surfaces, steps, expect, o));
            }
        }
        return cases;
    }

    /// <summary>Why a case cannot run on the surfaces it names, or null. This is the contract the three runners rely on.</summary>
    public static string? Problem(CorpusCase c)
    {
        if (c.Surfaces.Length == 0 || c.Surfaces.Any(s => !CorpusCase.AllSurfaces.Contains(s))) return "surfaces must be a non-empty subset of dotnet, native, com, cli";
        if (c.Steps.Length == 0 || !c.Steps[^1].IsCall) return "the last step must be send or drop_keyboard";
        if (c.Steps[..^1].Any(s => s.IsCall)) return "only the last step may be a call";
        var values = c.Steps.SelectMany(s => s.Values).ToList();
        if (c.Surfaces.Contains(CorpusCase.DotNet) && values.Any(v => v.Kind == CorpusValue.Kinds.Bytes))
            return "dotnet cannot receive raw bytes (hex): a .NET string is already decoded";
        if (c.Surfaces.Contains(CorpusCase.Native) && values.Any(v => v.HasNul))
            return "native strings are NUL-terminated: a NUL inside cannot be passed";
        if (c.Surfaces.Contains(CorpusCase.Com))
        {
            if (values.Any(v => v.Kind is CorpusValue.Kinds.Null or CorpusValue.Kinds.Bytes)) return "COM passes BSTRs: no null, no raw bytes";
            if (c.Steps.OfType<CorpusStep.Option>().Any(o => !ComProperties.ContainsKey(o.Id))) return "COM can set only the string options " + string.Join(",", ComProperties.Keys);
            if (c.Steps.OfType<CorpusStep.SetKeyboard>().Any(k => k.Format is not (1 or 2))) return "COM has KeyboardJson (1) and KeyboardRows (2) only";
        }
        if (c.Surfaces.Contains(CorpusCase.Cli) && CorpusCli.Problem(c) is { } cli) return cli;
        if (!c.Surfaces.Contains(CorpusCase.Cli) && CorpusCli.Problem(c) is null) return "the CLI can express this case: list cli";
        if (c.Expect is { } e)
        {
            if (e.Step < 0 || e.Step >= c.Steps.Length) return "expect.step is not a step index";
            if (e.Status == BridgeStatus.InvalidArgument && e.Requests != 0) return "an invalid case must expect 0 requests";
            if (e.Step < c.Steps.Length - 1 && e.Requests != 0) return "a case that stops before the call cannot send";
        }
        return null;
    }

    /// <summary>Writes the expectations into the case objects and the files (update mode only).</summary>
    public static void WriteExpectations(IEnumerable<(CorpusCase Case, CorpusExpect Expect)> results)
    {
        var byFile = results.GroupBy(r => r.Case.File);
        foreach (var group in byFile)
        {
            string path = Path.Combine(RepoPaths.Corpus, group.Key);
            var doc = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            var map = group.ToDictionary(r => r.Case.Id, r => r.Expect);
            foreach (var node in doc["cases"]!.AsArray())
            {
                var o = node!.AsObject();
                if (!map.TryGetValue(o["id"]!.GetValue<string>(), out var e)) continue;
                o.Remove("expect");
                o["expect"] = new JsonObject { ["step"] = e.Step, ["status"] = e.Status, ["requests"] = e.Requests, ["ru"] = e.Ru, ["en"] = e.En };
            }
            var options = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            File.WriteAllText(path, EscapeInvisible(doc.ToJsonString(options)) + "\n");
        }
    }

    /// <summary>Writes invisible and look-alike characters (format marks, unusual spaces) as \uXXXX so a reviewer sees them.</summary>
    private static string EscapeInvisible(string json)
    {
        var sb = new StringBuilder(json.Length);
        foreach (char c in json)
        {
            var category = char.GetUnicodeCategory(c);
            bool invisible = category is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                || (category == UnicodeCategory.SpaceSeparator && c != ' ');
            if (invisible) sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); else sb.Append(c);
        }
        return sb.ToString();
    }
}
