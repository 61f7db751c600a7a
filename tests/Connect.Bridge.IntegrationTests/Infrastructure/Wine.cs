namespace Connect.Bridge.IntegrationTests.Infrastructure;

/// <summary>
/// This machine's Wine, as tests/wine/wine.sh provisions it (once per test process): where 32-bit x86 runs (natively,
/// by emulation, or not at all: tests/README.md) and the environment every Wine program needs.
/// </summary>
public sealed class WineMachine
{
    public const string Wine64 = "/usr/lib/wine/wine64";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static WineMachine? prepared;

    private WineMachine(string line, Dictionary<string, string> values)
    {
        X86Line = line;
        X86Mode = values.GetValueOrDefault("X86_MODE", "unavailable");
        X86Reason = values.GetValueOrDefault("X86_REASON", "");
        Version = values.GetValueOrDefault("WINE_VERSION", "");
        Environment = values.Where(v => v.Key.StartsWith("DOTNET_", StringComparison.Ordinal) || v.Key is "LD_PRELOAD" or "X86_MODE")
            .ToDictionary(v => v.Key, v => (string?)v.Value);
    }

    /// <summary>native | emulated | unavailable</summary>
    public string X86Mode { get; }

    public string X86Reason { get; }

    /// <summary>The one line that says where x86 runs ("x86: 32-bit x86 runs natively (kernel ...)").</summary>
    public string X86Line { get; }

    public string Version { get; }

    /// <summary>For every Wine program and wine.sh command: the x86 mode, the preload and .NET settings emulation needs.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    public bool X86Runs => X86Mode is "native" or "emulated";

    public static async Task<WineMachine> PrepareAsync(Runner run)
    {
        await Gate.WaitAsync();
        try
        {
            if (prepared is not null) return prepared;
            var r = await run.RunAsync("tests/wine/wine.sh setup", "bash", [Script, "setup"], TimeSpan.FromMinutes(45));
            if (!r.Ok) throw new InvalidOperationException($"Wine is not usable here (tests/wine/wine.sh setup: {r.Describe()}):\n{r.Tail()}");
            var lines = r.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            var values = lines.Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
                .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            prepared = new WineMachine(lines.FirstOrDefault(l => l.StartsWith("# x86: ", StringComparison.Ordinal))?[2..] ?? "", values);
            TestContext.Current.TestOutputHelper?.WriteLine("# " + prepared.X86Line);
            return prepared;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static string Script => Path.Combine(Repo.Root, "tests", "wine", "wine.sh");

    /// <summary>
    /// An x86 row runs where x86 runs. Where it cannot, it is skipped with the reason, except in CI (CI set), where the
    /// x86 rows are required and the row fails.
    /// </summary>
    public void RequireArch(string arch)
    {
        if (arch != "x86" || X86Runs) return;
        string why = $"32-bit x86 cannot run here: {X86Reason} (tests/wine/x86.sh)";
        if (Repo.InCi) Assert.Fail(why + "; CI requires the x86 rows");
        Assert.Skip(why);
    }

    /// <summary>The Windows runtime packs of both bitnesses at <paramref name="version"/>, restored; their NuGet root.</summary>
    public async Task<string> PacksAsync(Runner run, string version)
    {
        var r = await run.RunAsync($"Windows runtime packs {version}", "bash", [Script, "packs", version], TimeSpan.FromMinutes(15), Environment);
        string root = r.Output.Split('\n').Select(l => l.TrimEnd('\r')).LastOrDefault(l => l.Length > 0) ?? "";
        if (!r.Ok || !Directory.Exists(root))
            throw new InvalidOperationException($"Microsoft.NETCore.App.Runtime.win-x64/x86 {version} restored (tests/wine/WinPacks.csproj): {r.Describe()}\n{r.Tail()}");
        return root;
    }

    /// <summary>The runtime version the Windows packs are taken at: the SDK's own runtime patch, else 10.0.12.</summary>
    public static string RuntimeVersion { get; } =
        System.Environment.Version.ToString(3) is { } v && v.StartsWith("10.0.", StringComparison.Ordinal) ? v : "10.0.12";
}

/// <summary>
/// A 64-bit (WoW64) prefix of the suite: a copy of the one ./build.sh test made for the run (artifacts/wine/prefix, the
/// WineSetup suite) or a fresh one. Its programs run through wine64 with the machine's environment; its wineserver is
/// stopped when the suite ends.
/// </summary>
public sealed class WinePrefix : IAsyncDisposable
{
    private readonly Suite suite;

    private WinePrefix(Suite suite, WineMachine machine, string dir)
    {
        this.suite = suite;
        Machine = machine;
        Dir = dir;
    }

    /// <summary>artifacts/wine/prefix: booted once per ./build.sh test, copied by every Wine suite.</summary>
    public static string Template => Path.Combine(Repo.Artifacts, "wine", "prefix");

    public WineMachine Machine { get; }

    public string Dir { get; }

    public string DriveC => Path.Combine(Dir, "drive_c");

    public static async Task<WinePrefix> BootAsync(Suite suite, WineMachine machine, string dir, bool fresh = false)
    {
        var prefix = suite.Own(new WinePrefix(suite, machine, dir));
        Directory.CreateDirectory(Path.GetDirectoryName(dir)!); // wineboot cannot make the parent
        var env = new Dictionary<string, string?>(machine.Environment) { ["CB_WINE_TEMPLATE"] = fresh ? "" : Template };
        var r = await suite.Run.RunAsync("wineboot", "bash", [WineMachine.Script, "boot", dir], TimeSpan.FromMinutes(12), env);
        if (!r.Ok) throw new InvalidOperationException($"64-bit Wine prefix ready (wine64 wineboot -i): {r.Describe()}\n{r.Tail()}");
        return prefix;
    }

    /// <summary>The .NET runtime of <paramref name="arch"/> (and ASP.NET Core) laid out from the pack and registered.</summary>
    public async Task LayoutRuntimeAsync(string arch, string version, bool aspnet = false)
    {
        var r = await suite.Run.RunAsync($"[{arch}] .NET {version} laid out", "bash",
            [WineMachine.Script, "runtime", Dir, arch, version, aspnet ? "aspnet" : ""], TimeSpan.FromMinutes(15), Machine.Environment);
        if (!r.Ok) throw new InvalidOperationException($"[{arch}] win-{arch} .NET runtime laid out and registered: {r.Describe()}\n{r.Tail()}");
    }

    public IReadOnlyDictionary<string, string?> Environment(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var env = new Dictionary<string, string?>(Machine.Environment)
        {
            ["WINEPREFIX"] = Dir, ["WINEDEBUG"] = "-all", ["DOTNET_EnableWriteXorExecute"] = "0",
            // dotnet test sets DOTNET_ROOT_X64=/usr/share/dotnet for its children; Wine passes it on, and a Windows host
            // (comhost, apphost) then looks for the runtime there instead of in the prefix: regsvr32 fails with 5.
            ["DOTNET_ROOT"] = null, ["DOTNET_ROOT_X64"] = null, ["DOTNET_ROOT_X86"] = null, ["DOTNET_ROOT(x86)"] = null,
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) env[k] = v;
        return env;
    }

    /// <summary>A Windows program (a path inside the prefix, C:\...) through wine64.</summary>
    public Task<RunResult> RunAsync(string label, string program, IEnumerable<string> args, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null) =>
        suite.Run.RunAsync(label, WineMachine.Wine64, [program, .. args], timeout, Environment(environment));

    public Task<Counted> CountedAsync(string label, string program, IEnumerable<string> args, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null) =>
        suite.Run.CountedAsync(label, WineMachine.Wine64, [program, .. args], timeout, Environment(environment));

    /// <summary>reg query's output (CR removed), in the 32- or 64-bit view.</summary>
    public async Task<string> RegQueryAsync(string key, int view) =>
        (await RunAsync("reg query", "reg", ["query", key, "/ve", $"/reg:{view}"], TimeSpan.FromMinutes(1))).Output.Replace("\r", "", StringComparison.Ordinal);

    /// <summary>
    /// The runner core built into <paramref name="dir"/>\runner.exe, under Wine: over the corpus against the emulator at
    /// <paramref name="baseUrl"/>.
    /// </summary>
    public async Task RunnerCorpusAsync(string label, string arch, string dir, string baseUrl, IReadOnlyDictionary<string, string?> env)
    {
        File.Copy(await suite.CorpusFlatAsync(), Path.Combine(DriveC, "corpus.flat"), overwrite: true);
        await CountedAsync($"{arch}, corpus, {label}", $@"{dir}\runner.exe", ["corpus", @"C:\corpus.flat", baseUrl], TimeSpan.FromMinutes(15), env);
    }

    /// <summary>The same runner over the fault matrix; its observed table in artifacts/reliability/fault-matrix-&lt;suite&gt;-&lt;arch&gt;.md.</summary>
    public async Task RunnerFaultsAsync(string label, string arch, string dir, IReadOnlyDictionary<string, string?> env)
    {
        var (server, manifest) = await suite.FaultsAsync();
        await using var _ = server;
        string table = $"fault-matrix-{suite.Name}-{arch}.md";
        File.Copy(manifest, Path.Combine(DriveC, $"faults-{arch}.manifest"), overwrite: true);
        try
        {
            await CountedAsync($"{arch}, faults, {label}", $@"{dir}\runner.exe", ["faults", $@"C:\faults-{arch}.manifest", $@"C:\{table}"], TimeSpan.FromMinutes(15), env);
        }
        finally
        {
            if (File.Exists(Path.Combine(DriveC, table))) File.Copy(Path.Combine(DriveC, table), Path.Combine(RepoPaths.Reports, table), overwrite: true);
        }
    }

    public async Task KillAsync() =>
        await suite.Run.RunAsync("wineserver -k", "bash", ["-c", "/usr/lib/wine/wineserver64 -k || /usr/lib/wine/wineserver -k"], TimeSpan.FromSeconds(30),
            Environment());

    /// <summary>The wineserver stopped; the prefix (1.3 GB) removed unless it is the template or KEEP_WORKDIR=1.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!Directory.Exists(Dir)) return;
        await KillAsync();
        if (Dir != Template && System.Environment.GetEnvironmentVariable("KEEP_WORKDIR") != "1")
            Directory.Delete(Dir, recursive: true); // deletes the dosdevices links, never what they point to
    }
}
