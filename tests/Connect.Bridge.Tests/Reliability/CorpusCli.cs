namespace Connect.Bridge.Tests.Reliability;

/// <summary>
/// How a corpus case becomes one <c>connect-bridge</c> command line (tests/corpus/README.md, "The CLI"), and which cases
/// the CLI cannot express. The CLI sets everything of one run at once, so a case maps to one process.
/// </summary>
public static class CorpusCli
{
    /// <summary>The option ids the CLI has a flag for, and that flag (TimeoutMs and RetryDelayMs are seconds on the CLI, proxies come from the environment).</summary>
    public static readonly IReadOnlyDictionary<int, string> Flags = new Dictionary<int, string>
    {
        [1] = "--base-url", [2] = "--login", [3] = "--password", [5] = "--language", [6] = "--author",
        [11] = "--max-retries", [13] = "--log-file",
    };

    /// <summary>Linux limits one argv string to 128 KiB with its NUL (MAX_ARG_STRLEN); leave room for the flag.</summary>
    private const int MaxArgBytes = 128 * 1024 - 64;

    private static readonly string[] FormatNames = ["auto", "json", "rows"];

    /// <summary>Why the CLI cannot express the case, or null.</summary>
    public static string? Problem(CorpusCase c)
    {
        var values = c.Steps.SelectMany(s => s.Values).ToList();
        if (values.Any(v => v.Kind != CorpusValue.Kinds.Text)) return "the CLI takes argv text: no null, no raw bytes, no UTF-16";
        if (values.Any(v => v.HasNul)) return "argv cannot carry U+0000";
        if (values.Any(v => System.Text.Encoding.UTF8.GetByteCount(v.Text!) > MaxArgBytes)) return "one argv string is at most 128 KiB (Linux MAX_ARG_STRLEN)";
        var options = c.Steps.OfType<CorpusStep.Option>().ToList();
        if (options.Any(o => !Flags.ContainsKey(o.Id))) return "the CLI has flags only for the options " + string.Join(",", Flags.Keys);
        if (options.GroupBy(o => o.Id).Any(g => g.Count() > 1)) return "a flag is given once per command line";
        if (options.FindIndex(o => o.Id == 5) > 0 || (options.Any(o => o.Id == 5) && c.Steps[0] is not CorpusStep.Option { Id: 5 }))
            return "the CLI applies --language first: a language step must be the first step";
        if (c.Expect is { } e && c.Steps[e.Step] is CorpusStep.Option { Id: 5 })
            return "a refused --language: the CLI has no earlier language to word the refusal in (it uses Russian)";
        var keyboards = c.Steps.OfType<CorpusStep.SetKeyboard>().ToList();
        if (keyboards.Count > 1) return "one --keyboard per command line";
        if (keyboards.Any(k => k.Format is < 0 or > 2)) return "--keyboard-format takes auto, json or rows";
        if (c.Steps[^1] is CorpusStep.Drop && (keyboards.Count > 0 || options.Any(o => o.Id == 6)))
            return "drop-keyboard has no --keyboard and no --author";
        return null;
    }

    /// <summary>The arguments for the case, after the runner's presets (base URL, login, password, language).</summary>
    /// <remarks>Every value is passed as <c>--flag=value</c>, so a value starting with '-' or '@' stays a value.</remarks>
    public static string[] Args(CorpusCase c, string baseUrl, string language)
    {
        var set = new Dictionary<int, string> { [1] = baseUrl, [2] = TestData.Login, [3] = TestData.Password, [5] = language };
        foreach (var o in c.Steps.OfType<CorpusStep.Option>()) set[o.Id] = o.Value.Text!;
        var args = new List<string>();
        switch (c.Steps[^1])
        {
            case CorpusStep.Send s:
                args.AddRange(["send", "--line=" + s.Line.Text, "--user=" + s.User.Text, "--text=" + s.Text.Text]);
                break;
            case CorpusStep.Drop d:
                args.AddRange(["drop-keyboard", "--line=" + d.Line.Text, "--user=" + d.User.Text]);
                break;
        }
        foreach (var (id, value) in set.OrderBy(p => p.Key)) args.Add(Flags[id] + "=" + value);
        if (c.Steps.OfType<CorpusStep.SetKeyboard>().SingleOrDefault() is { } k)
            args.AddRange(["--keyboard=" + k.Text.Text, "--keyboard-format=" + FormatNames[k.Format]]);
        return [.. args];
    }

    /// <summary>The exit code of the README's table for a status.</summary>
    public static int ExitCode(int status) => status switch
    {
        0 or (>= 200 and < 300) => 0,
        > 0 => 1,
        BridgeStatus.InvalidArgument => 2,
        BridgeStatus.ConnectionFailed or BridgeStatus.Timeout or BridgeStatus.TlsFailure => 3,
        _ => 4,
    };
}
