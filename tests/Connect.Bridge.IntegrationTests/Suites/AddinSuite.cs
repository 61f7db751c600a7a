using System.Text.RegularExpressions;

namespace Connect.Bridge.IntegrationTests.Suites;

/// <summary>
/// The 1C Native API add-in: packs artifacts/addin/ConnectBridge.zip (packaging/pack-addin.sh) and checks the glibc 2.28
/// baseline and the member names; the C++ host (tests/addin/host.cpp, g++ with ASan + UBSan) loads the library from the
/// ZIP as 1C does (MANIFEST.XML -> the Linux x86_64 entry -> a copy in a cache folder -> dlopen) and runs its checks
/// against the emulator; then the runner core (tests/runner) through the same host's add-in surface: the bad-input
/// corpus (the cases listing `com`: the add-in has COM's members) and the fault matrix.
/// </summary>
public sealed partial class AddinSuite(AddinSuite.Fixture suite) : SuiteTests<AddinSuite.Fixture>(suite), IClassFixture<AddinSuite.Fixture>
{
    public sealed class Fixture() : Suite("addin")
    {
        public const string Login = "addin-bot", CorpusLine = "5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44";

        public static string Library => Path.Combine(Repo.Artifacts, "native", "linux-x64", "libconnect_bridge.so");

        public static string Zip => Path.Combine(Repo.Artifacts, "addin", "ConnectBridge.zip");

        /// <summary>The host's line (the corpus has its own, <see cref="CorpusLine"/>).</summary>
        public string Line { get; } = Guid.NewGuid().ToString();

        public string Host => Path.Combine(Work, "host");

        public string Cache => Path.Combine(Work, "cache");

        public string Corpus { get; private set; } = "";

        public string EmulatorUrl { get; private set; } = "";

        /// <summary>
        /// What the host reads, and the sanitizers' settings. handle_segv=0 etc.: NativeAOT installs its own signal
        /// handlers. detect_leaks=0: the runtime keeps process-lifetime allocations (GC heap, threads) that LeakSanitizer
        /// would list; the host's own tracking memory manager proves that nothing handed to the host leaks.
        /// </summary>
        public Dictionary<string, string?> HostEnvironment => new()
        {
            ["CB_TEST_BASE_URL"] = EmulatorUrl, ["CB_TEST_LOGIN"] = Login, ["CB_TEST_PASSWORD"] = Password, ["CB_TEST_LINE"] = Line,
            ["ASAN_OPTIONS"] = "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:allow_user_segv_handler=1:detect_leaks=0:abort_on_error=1",
            ["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1",
        };

        // -fno-sanitize=vptr: UBSan's vptr check reads RTTI, which the component deliberately leaves null (as documented).
        private static readonly string[] Sanitized =
            ["-O1", "-g", "-Wall", "-Wextra", "-Werror", "-fsanitize=address,undefined", "-fno-sanitize=vptr", "-fno-omit-frame-pointer"];

        protected override async Task SetUpAsync()
        {
            await Apt.NeedAsync(Run, "g++:g++", "gcc:gcc libc6-dev", "zip:zip", "unzip:unzip", "python3:python3", "objdump:binutils");
            await Run.StepAsync("the add-in packed (packaging/pack-addin.sh)", Path.Combine(Repo.Root, "packaging", "pack-addin.sh"));
            string runnerObject = Path.Combine(Work, "runner.o");
            await Run.StepAsync("tests/runner/runner.c compiled (gcc, ASan + UBSan)", "gcc",
                ["-std=c11", .. Sanitized, "-c", "tests/runner/runner.c", "-o", runnerObject]);
            await Run.StepAsync("tests/addin/host.cpp compiled (g++, ASan + UBSan)", "g++",
                ["-std=c++17", .. Sanitized, "tests/addin/host.cpp", runnerObject, "-ldl", "-pthread", "-o", Host]);
            Corpus = await CorpusFlatAsync();
            // The host's line, the corpus's line.
            EmulatorUrl = (await EmulatorAsync(Login, Line, CorpusLine)).BaseUrl.ToString().TrimEnd('/');
        }
    }

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(900);

    /// <summary>The labels of the host's runs: their outputs are searched for sanitizer reports.</summary>
    private static readonly string[] HostRuns = ["host", "corpus, add-in", "faults, add-in"];

    [Fact]
    public async Task GlibcBaseline_NoSymbolVersionNewerThan2_28()
    {
        // 1C servers often run Astra Linux 1.7 or RHEL 8 (glibc 2.28): the library must need no newer symbol version
        // (native/glibc-compat/make-stubs.sh makes the link choose the old ones).
        var r = await S.Run.RunAsync("objdump -T", "objdump", ["-T", Fixture.Library], TimeSpan.FromMinutes(2));
        Assert.True(r.Ok, $"objdump -T {Fixture.Library}: {r.Describe()}\n{r.Tail()}");
        string newest = GlibcVersion().Matches(r.Output).Select(m => m.Value).Distinct()
            .OrderBy(v => v, Comparer<string>.Create(CompareVersions)).LastOrDefault() ?? "(none)";
        var tooNew = TooNewGlibc().Matches(r.Output).Select(m => m.Value).Distinct().ToList();
        Assert.True(tooNew.Count == 0,
            $"glibc baseline: the newest symbol version needed is {newest} (2.28 allowed); too new: {string.Join(", ", tooNew)}");
        TestContext.Current.TestOutputHelper?.WriteLine($"# glibc baseline: the newest symbol version needed is {newest} (2.28 allowed)");
    }

    [Fact]
    public void MemberTable_HasExactlyTheComClassMemberNames()
    {
        // The English names are exactly the COM class's members, so 1C code moves between the two.
        var com = ComMember().Matches(Source("src/Connect.Bridge.Com/Sender.cs")).Select(m => m.Groups[1].Value)
            .Order(StringComparer.Ordinal).ToList();
        // (The setting properties are named by the one table, src/Connect.Bridge.Hosting/SettingNames.cs: its COM column.
        // tests/Connect.Bridge.Tests/Core/SettingNamesTests.cs checks the same on the compiled member table.)
        var addin = AddinMember().Matches(Source("src/Connect.Bridge.Native/AddIn/SenderMembers.cs")).Select(m => m.Groups[1].Value)
            .Concat(SettingComName().Matches(Source("src/Connect.Bridge.Hosting/SettingNames.cs")).Select(m => m.Groups[1].Value))
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(com.Count > 0 && com.SequenceEqual(addin),
            $"the member table has exactly the COM class's {com.Count} member names; differences (< COM only, > add-in only):\n"
            + string.Join('\n', Diff(com, addin)));
    }

    [Fact]
    public Task Host() => S.Run.CountedAsync("host", S.Host, [Fixture.Zip, S.Cache], Limit, S.HostEnvironment);

    [Fact]
    public Task Corpus() =>
        S.Run.CountedAsync("corpus, add-in", S.Host, [Fixture.Zip, S.Cache, "corpus", S.Corpus, S.EmulatorUrl], Limit, S.HostEnvironment);

    [Fact]
    public async Task Faults()
    {
        var (_, manifest) = await S.FaultsAsync();
        await S.Run.CountedAsync("faults, add-in", S.Host,
            [Fixture.Zip, S.Cache, "faults", manifest, Path.Combine(S.Logs, "fault-matrix-addin.md")], Limit, S.HostEnvironment);
    }

    [Fact]
    public void NoSanitizerReports()
    {
        // The logs the runner wrote for the host's runs (named after their labels), stdout and stderr.
        var logs = Directory.EnumerateFiles(S.Logs, "*.log")
            .Where(f => HostRuns.Any(label => Path.GetFileName(f).EndsWith("-" + LogName(label) + ".log", StringComparison.Ordinal)))
            .ToList();
        Assert.True(logs.Count == HostRuns.Length, $"the host's {HostRuns.Length} runs were logged; found: {string.Join(", ", logs.Select(Path.GetFileName))}");
        var reports = logs.Where(f => SanitizerReport().IsMatch(File.ReadAllText(f))).Select(Path.GetFileName).ToList();
        Assert.True(reports.Count == 0, "no sanitizer reports; found in: " + string.Join(", ", reports));
    }

    private static string Source(string path) => File.ReadAllText(Path.Combine(Repo.Root, path));

    // The runner's log file name for a label.
    private static string LogName(string label) => string.Concat(label.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-'));

    // As `sort -V` orders GLIBC_2.2.5 before GLIBC_2.14: by the numbers.
    private static int CompareVersions(string a, string b)
    {
        static int[] Parts(string v) =>
            v["GLIBC_".Length..].Split('.', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var x = Parts(a);
        var y = Parts(b);
        for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
            if (x[i] != y[i]) return x[i].CompareTo(y[i]);
        return x.Length.CompareTo(y.Length);
    }

    // A diff of two sorted lists: "< name" only in the first, "> name" only in the second.
    private static IEnumerable<string> Diff(List<string> first, List<string> second)
    {
        var left = first.GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
        var right = second.GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
        foreach (var name in left.Keys.Union(right.Keys).Order(StringComparer.Ordinal))
        {
            int extra = left.GetValueOrDefault(name) - right.GetValueOrDefault(name);
            for (int i = 0; i < Math.Abs(extra); i++) yield return (extra > 0 ? "< " : "> ") + name;
        }
    }

    [GeneratedRegex(@"GLIBC_[0-9.]*")]
    private static partial Regex GlibcVersion();

    [GeneratedRegex(@"GLIBC_2\.(29|[3-9][0-9])")]
    private static partial Regex TooNewGlibc();

    // The old script's extractions: grep -oE 'public (object\??|int|string|bool|void) [A-Z][A-Za-z]*' | awk '{print $3}' ...
    [GeneratedRegex(@"public (?:object\??|int|string|bool|void) ([A-Z][A-Za-z]*)")]
    private static partial Regex ComMember();

    // ... grep -oE '(ReadOnly|new)\("[A-Za-z]+"' SenderMembers.cs | grep -oE '"[A-Za-z]+"' ...
    [GeneratedRegex(@"(?:ReadOnly|new)\(""([A-Za-z]+)""")]
    private static partial Regex AddinMember();

    // ... grep -oP 'new\(SenderSetting\.\w+, "\w+", (?:"\w+"|Native: None), "\K[A-Za-z]+(?=")' SettingNames.cs
    [GeneratedRegex(@"new\(SenderSetting\.\w+, ""\w+"", (?:""\w+""|Native: None), ""([A-Za-z]+)(?="")")]
    private static partial Regex SettingComName();

    // grep -liE 'AddressSanitizer|runtime error:'
    [GeneratedRegex("AddressSanitizer|runtime error:", RegexOptions.IgnoreCase)]
    private static partial Regex SanitizerReport();
}
