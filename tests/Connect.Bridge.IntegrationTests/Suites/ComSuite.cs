using System.Text.RegularExpressions;
using Connect.Bridge.Emulator;

namespace Connect.Bridge.IntegrationTests.Suites;

/// <summary>
/// Connect.Bridge.Sender through real COM under Wine, x64 and x86 side by side in ONE 64-bit prefix: the comhost of each
/// bitness registered with its regsvr32 (System32 / SysWOW64) under one CLSID; then, per bitness, against servers of its
/// own: tests/com/client.c (mingw; CLSIDFromProgID, CoCreateInstance, GetIDsOfNames + Invoke by name for every member,
/// status paths, wrong VARIANT types, ThrowOnError), tests/com/send.js through that bitness's cscript, what the emulator
/// recorded (tests/com/check_recorded.py), and the runner core's COM surface (tests/runner/surface_com.c) over the
/// bad-input corpus and the fault matrix; last, unregistering x86 leaves x64. Wine, mingw and x86 (natively or by
/// emulation): tests/wine.
/// </summary>
public sealed partial class ComSuite(ComSuite.Fixture suite) : SuiteTests<ComSuite.Fixture>(suite), IClassFixture<ComSuite.Fixture>
{
    public sealed class Fixture() : Suite("com")
    {
        public const string Clsid = "{F7F0E9EF-BE89-4828-A961-7E5BC01435CA}", Login = "bridge-bot",
            Line = "5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44", ForbiddenLine = "0b7c5e2a-1111-4c22-9d33-aa44bb55cc66",
            UserId = "df4cca69-ce40-472e-9083-af9b279c72cc";

        private readonly Dictionary<string, Servers> servers = [];
        private readonly SemaphoreSlim serversGate = new(1, 1);

        public WineMachine Machine { get; private set; } = null!;

        public WinePrefix Prefix { get; private set; } = null!;

        /// <summary>The version of the Windows runtime packs restored (and laid out in the prefix).</summary>
        public string PacksVersion { get; private set; } = "";

        /// <summary>What the COM programs read (never printed): the emulator's login and this suite's password.</summary>
        public Dictionary<string, string?> ComEnvironment => new()
        {
            ["CB_LOGIN"] = Login, ["CB_PASSWORD"] = Password, ["CB_TEST_LOGIN"] = Login, ["CB_TEST_PASSWORD"] = Password,
        };

        /// <summary>Where an arch's comhost, client.exe, runner.exe and send.js are built (copied to C:\connect-bridge-&lt;arch&gt;).</summary>
        public string Built(string arch) => Path.Combine(Work, arch);

        protected override async Task SetUpAsync()
        {
            await Apt.NeedAsync(Run, "python3:python3", "file:file");
            Machine = await WineMachine.PrepareAsync(Run);
            PacksVersion = await PacksAsync();
            foreach (string arch in new[] { "x64", "x86" })
            {
                string cc = arch == "x86" ? "i686-w64-mingw32-gcc" : "x86_64-w64-mingw32-gcc", output = Built(arch);
                await Run.StepAsync($"[{arch}] comhost built (dotnet publish -r win-{arch})", "dotnet", "publish",
                    Path.Combine(Repo.Root, "src", "Connect.Bridge.Com", "Connect.Bridge.Com.csproj"), "-c", "Release", "-r", $"win-{arch}",
                    "--self-contained", "false", "-o", output, "-nologo");
                await Run.StepAsync($"[{arch}] tests/com/client.c built with {cc}", cc, "-municode", "-std=gnu11", "-O1", "-Wall", "-Wextra",
                    "-Wno-unused-parameter", "-o", Path.Combine(output, "client.exe"), Path.Combine(Repo.Root, "tests", "com", "client.c"),
                    "-lole32", "-loleaut32", "-luuid", "-ladvapi32");
                await Run.StepAsync($"[{arch}] the runner core with the COM surface built with {cc}", cc, "-std=gnu11", "-O1", "-Wall", "-Wextra",
                    "-Werror", "-Wno-cast-function-type", "-o", Path.Combine(output, "runner.exe"), Path.Combine(Repo.Root, "tests", "runner", "runner.c"),
                    Path.Combine(Repo.Root, "tests", "runner", "surface_com.c"), "-lole32", "-loleaut32", "-luuid", "-lws2_32");
                File.Copy(Path.Combine(Repo.Root, "tests", "com", "send.js"), Path.Combine(output, "send.js"), overwrite: true);
            }
            string prefix = Path.Combine(Work, "prefix");
            Prefix = await WinePrefix.BootAsync(this, Machine, prefix);
        }

        /// <summary>The Windows runtime packs: the SDK's own runtime patch when it is served, else 10.0.12.</summary>
        private async Task<string> PacksAsync()
        {
            var failures = new List<string>();
            foreach (string version in new[] { WineMachine.RuntimeVersion, "10.0.12" }.Distinct())
            {
                try
                {
                    await Machine.PacksAsync(Run, version);
                    return version;
                }
                catch (InvalidOperationException e)
                {
                    failures.Add(e.Message);
                }
            }
            throw new InvalidOperationException(string.Join("\n", failures));
        }

        /// <summary>
        /// The servers of one arch, started at its first use: so the emulator's record and the fault server's counts are
        /// that arch's own.
        /// </summary>
        public async Task<Servers> ServersAsync(string arch)
        {
            await serversGate.WaitAsync();
            try
            {
                if (servers.TryGetValue(arch, out var existing)) return existing;
                var emulator = await EmulatorAsync(Login, Line);
                var corpus = await EmulatorAsync(Login); // the corpus's own, so its sends do not change what check_recorded sees
                // Every POST answered 400 with a JSON error: the core validates every field before sending, so the
                // emulator (400 only for malformed bodies) never sees a request it would refuse with 400.
                var status400 = Own(new RawHttpServer(RawReply.Status(400, """{"error": "text is not acceptable"}""")));
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                int closed = ((IPEndPoint)probe.LocalEndPoint!).Port; // bound, never listening, closed at once: refused
                return servers[arch] = new Servers(emulator, corpus, status400, $"http://127.0.0.1:{closed}/");
            }
            finally
            {
                serversGate.Release();
            }
        }
    }


    /// <summary>An arch's servers: the emulator (its one line), the corpus's emulator, the fixed-400 server, a closed port.</summary>
    public sealed record Servers(EmulatorServer Emulator, EmulatorServer Corpus, RawHttpServer Status400, string ClosedUrl)
    {
        public string EmulatorUrl => Emulator.BaseUrl.ToString();
    }

    private static readonly TimeSpan ProgramLimit = TimeSpan.FromMinutes(5);

    private static string Dir(string arch) => $@"C:\connect-bridge-{arch}";

    private static string SysDir(string arch) => arch == "x86" ? "syswow64" : "system32";

    private static int View(string arch) => arch == "x86" ? 32 : 64;

    private static string InprocServer32 => $@"HKCR\CLSID\{Fixture.Clsid}\InprocServer32";

    [Fact]
    public async Task Comhost_BitnessMatchesTheRuntime()
    {
        string x86 = await FileType("x86"), x64 = await FileType("x64");
        Assert.True(Pe32X86().IsMatch(x86) && Pe32PlusX64().IsMatch(x64),
            $"comhost bitness: win-x86 is PE32 (80386), win-x64 is PE32+ (x86-64); file -b says x86: {x86}; x64: {x64}");
    }

    private async Task<string> FileType(string arch) =>
        (await S.Run.RunAsync($"file -b {arch} comhost", "file", ["-b", Path.Combine(S.Built(arch), "Connect.Bridge.Com.comhost.dll")],
            TimeSpan.FromMinutes(1))).Output.Trim();

    /// <summary>Side by side under one CLSID: x64 in the 64-bit view, x86 in WOW6432Node.</summary>
    [Theory, InlineData("x64"), InlineData("x86")]
    public async Task Registered_WithItsRegsvr32(string arch)
    {
        S.Machine.RequireArch(arch);
        await S.Prefix.LayoutRuntimeAsync(arch, S.PacksVersion);
        // The hosts (comhost) read the install location from the 32-bit view, as on Windows: registered in this prefix.
        string location = (await S.Prefix.RunAsync($"[{arch}] reg query InstalledVersions", "reg",
            ["query", $@"HKLM\SOFTWARE\dotnet\Setup\InstalledVersions\{arch}", "/v", "InstallLocation", "/reg:32"], TimeSpan.FromMinutes(1))).Output;
        Assert.True(location.Contains(arch == "x86" ? @"C:\Program Files (x86)\dotnet" : @"C:\Program Files\dotnet", StringComparison.OrdinalIgnoreCase),
            $"[{arch}] win-{arch} .NET {S.PacksVersion} laid out and registered (InstalledVersions\\{arch}); reg query says:\n{location}");
        CopyDirectory(S.Built(arch), Path.Combine(S.Prefix.DriveC, $"connect-bridge-{arch}"));
        var r = await S.Prefix.RunAsync($"[{arch}] {SysDir(arch)} regsvr32", $@"C:\windows\{SysDir(arch)}\regsvr32.exe",
            ["/s", $@"{Dir(arch)}\Connect.Bridge.Com.comhost.dll"], TimeSpan.FromMinutes(2));
        Assert.True(r.Ok, $"[{arch}] {SysDir(arch)}\\regsvr32 Connect.Bridge.Com.comhost.dll: {r.Describe()}\n{r.Tail()}");
        string key = await S.Prefix.RegQueryAsync(InprocServer32, View(arch));
        Assert.True(Registered(arch).IsMatch(key), $"[{arch}] registry: InprocServer32 is the {arch} server; /reg:{View(arch)} says:\n{key}");
    }

    /// <summary>The ProgID key is shared by both views (the 32-bit regsvr32 writes it to the 64-bit HKCR too).</summary>
    [Fact]
    public async Task ProgId_SharedByBothViews()
    {
        string key = (await S.Prefix.RunAsync("reg query ProgID", "reg", ["query", @"HKCR\Connect.Bridge.Sender\CLSID", "/ve"], TimeSpan.FromMinutes(1)))
            .Output.Replace("\r", "", StringComparison.Ordinal);
        Assert.True(key.Contains(Fixture.Clsid, StringComparison.OrdinalIgnoreCase),
            $"registry (shared): ProgID Connect.Bridge.Sender -> {Fixture.Clsid}; reg query says:\n{key}");
    }

    [Theory, InlineData("x64"), InlineData("x86")]
    public async Task ClientExe(string arch)
    {
        S.Machine.RequireArch(arch);
        var s = await S.ServersAsync(arch);
        await S.Prefix.CountedAsync($"{arch}, client.exe", $@"{Dir(arch)}\client.exe",
            [s.EmulatorUrl, Fixture.Line, Fixture.ForbiddenLine, Fixture.UserId, s.Status400.BaseUrl, s.ClosedUrl], ProgramLimit, S.ComEnvironment);
    }

    [Theory, InlineData("x64"), InlineData("x86")]
    public async Task CscriptSendJs(string arch)
    {
        S.Machine.RequireArch(arch);
        var s = await S.ServersAsync(arch);
        await S.Prefix.CountedAsync($"{arch}, cscript send.js", $@"C:\windows\{SysDir(arch)}\cscript.exe",
            ["//nologo", $@"{Dir(arch)}\send.js", s.EmulatorUrl, Fixture.Line, Fixture.UserId], ProgramLimit, S.ComEnvironment);
    }

    /// <summary>What the emulator recorded from client.exe and send.js (read over its /emulator endpoints).</summary>
    [Theory, InlineData("x64"), InlineData("x86")]
    public async Task Recorded(string arch)
    {
        S.Machine.RequireArch(arch);
        var s = await S.ServersAsync(arch);
        await S.Run.CountedAsync($"{arch}, recorded", "python3",
            [Path.Combine(Repo.Root, "tests", "com", "check_recorded.py"), s.EmulatorUrl, Fixture.Line, Fixture.UserId], TimeSpan.FromMinutes(1));
    }

    [Theory, InlineData("x64"), InlineData("x86")]
    public async Task RunnerCorpus(string arch)
    {
        S.Machine.RequireArch(arch);
        var s = await S.ServersAsync(arch);
        await S.Prefix.RunnerCorpusAsync("COM", arch, Dir(arch), s.Corpus.BaseUrl.ToString().TrimEnd('/'), S.ComEnvironment);
    }

    [Theory, InlineData("x64"), InlineData("x86")]
    public async Task RunnerFaults(string arch)
    {
        S.Machine.RequireArch(arch);
        Directory.CreateDirectory(RepoPaths.Reports);
        try
        {
            await S.Prefix.RunnerFaultsAsync("COM", arch, Dir(arch), S.ComEnvironment);
        }
        finally
        {
            // The x64 table is the COM matrix of record (docs/RELIABILITY.md).
            string x64 = Path.Combine(RepoPaths.Reports, "fault-matrix-com-x64.md");
            if (arch == "x64" && File.Exists(x64)) File.Copy(x64, Path.Combine(RepoPaths.Reports, "fault-matrix-com.md"), overwrite: true);
        }
    }

    /// <summary>Side by side: unregistering the x86 server leaves the x64 one.</summary>
    [Fact]
    public async Task UnregisteringX86_LeavesX64()
    {
        S.Machine.RequireArch("x86");
        var r = await S.Prefix.RunAsync("syswow64 regsvr32 /u x86", @"C:\windows\syswow64\regsvr32.exe",
            ["/s", "/u", $@"{Dir("x86")}\Connect.Bridge.Com.comhost.dll"], TimeSpan.FromMinutes(2));
        Assert.True(r.Ok, $"syswow64\\regsvr32 /u of the x86 server: exit 0 ({r.Describe()})\n{r.Tail()}");
        string view32 = await S.Prefix.RegQueryAsync(InprocServer32, 32);
        Assert.False(view32.Contains("comhost", StringComparison.OrdinalIgnoreCase), $"after it: the x86 class is gone from the 32-bit view; it says:\n{view32}");
        string view64 = await S.Prefix.RegQueryAsync(InprocServer32, 64);
        Assert.True(Registered("x64").IsMatch(view64), $"after it: the x64 class is still registered in the 64-bit view; it says:\n{view64}");
    }

    private static Regex Registered(string arch) =>
        new($@"connect-bridge-{arch}.Connect\.Bridge\.Com\.comhost\.dll", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static void CopyDirectory(string from, string to)
    {
        foreach (string dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
    }

    [GeneratedRegex(@"PE32 executable.*80386")]
    private static partial Regex Pe32X86();

    [GeneratedRegex(@"PE32\+ executable.*x86-64")]
    private static partial Regex Pe32PlusX64();
}
