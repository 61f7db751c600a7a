using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Connect.Bridge.IntegrationTests.Suites;

/// <summary>
/// Release bundles, installed as a user would (issue 11): `./build.sh dist`, then for each Windows bundle a FRESH
/// 64-bit Wine prefix with only the .NET runtime of the bundle's bitness, the archive unpacked there, its register.cmd
/// run through cmd, a send through COM (the cscript of that bitness, tests/com/send.js) and through the DLL
/// (tests/winaot/delphi_client.c against the bundle's native/, after creating the COM object in the same process), the
/// CLI's --version, then unregister.cmd. The Linux bundle: unpacked, its libconnect_bridge.so answers cb_version, its
/// CLI --version, the files a user reads are there.
/// </summary>
public sealed class DistSuite(DistSuite.Fixture suite) : SuiteTests<DistSuite.Fixture>(suite), IClassFixture<DistSuite.Fixture>
{
    public sealed class Fixture() : Suite("dist")
    {
        public const string Login = "dist-bot", Line = "5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44", UserId = "df4cca69-ce40-472e-9083-af9b279c72cc";

        /// <summary>The Windows runtime the fresh prefixes get (the bundles target net10.0, framework-dependent).</summary>
        public const string RuntimeVersion = "10.0.12";

        public const string ComClass = @"HKCR\CLSID\{F7F0E9EF-BE89-4828-A961-7E5BC01435CA}\InprocServer32";

        public static string DistDir => Path.Combine(Repo.Artifacts, "dist");

        public WineMachine Machine { get; private set; } = null!;

        public string BaseUrl { get; private set; } = "";

        public TimeSpan DistTook { get; private set; }

        /// <summary>The prefix of each Windows bundle (win-x64, win-x86), made by the first test of its row.</summary>
        public Dictionary<string, WinePrefix> Prefixes { get; } = [];

        /// <summary>What every program reads: the emulator's login and password (never an argument).</summary>
        public Dictionary<string, string?> ProgramEnvironment => new()
        {
            ["CB_LOGIN"] = Login, ["CB_PASSWORD"] = Password, ["CB_TEST_LOGIN"] = Login, ["CB_TEST_PASSWORD"] = Password,
        };

        public static string BundleName(string rid) => $"connect-bridge-{Repo.Version}-{rid}";

        public static string Bundle(string rid) => Path.Combine(DistDir, BundleName(rid) + (rid == "linux-x64" ? ".tar.gz" : ".zip"));

        protected override async Task SetUpAsync()
        {
            Machine = await WineMachine.PrepareAsync(Run); // Wine (both loaders) and mingw installed: tests/wine/install.sh
            var started = DateTime.UtcNow;
            var dist = await Run.RunAsync("./build.sh dist", "bash", [Path.Combine(Repo.Root, "build.sh"), "dist"], TimeSpan.FromMinutes(40));
            if (!dist.Ok) throw new InvalidOperationException($"./build.sh dist: {dist.Describe()}\n{dist.Tail(30)}");
            DistTook = DateTime.UtcNow - started;
            await Machine.PacksAsync(Run, RuntimeVersion);
            BaseUrl = (await EmulatorAsync(Login, Line)).BaseUrl.ToString();
        }

        /// <summary>The prefix of a row whose first test made it.</summary>
        public WinePrefix Prefix(string arch) =>
            Prefixes.TryGetValue(arch, out var prefix) ? prefix : throw new InvalidOperationException($"[win-{arch}] no prefix: its first test failed");
    }

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    private static void Info(string line) => TestContext.Current.TestOutputHelper?.WriteLine("# " + line);

    [Theory]
    [InlineData("win-x86")]
    [InlineData("win-x64")]
    [InlineData("linux-x64")]
    public void Bundle_ExistsWithTheVersionFromDirectoryBuildProps(string rid)
    {
        Info($"./build.sh dist took {S.DistTook.TotalSeconds:F0} s");
        var file = new FileInfo(Fixture.Bundle(rid));
        Assert.True(file.Exists && file.Length > 0, $"bundle {file.Name} is missing or empty in artifacts/dist (version {Repo.Version} from Directory.Build.props)");
    }

    // A Windows bundle, per bitness, in the order a user goes: a fresh prefix, unpack, register, use, unregister.

    [Theory]
    [InlineData("x64")]
    [InlineData("x86")]
    public async Task Windows_FreshPrefixWithOnlyThisBitnessRuntime(string arch)
    {
        S.Machine.RequireArch(arch);
        // A copy of the run's booted prefix (it has no .NET) or a fresh wineboot: only this bitness's runtime is laid out.
        var prefix = await WinePrefix.BootAsync(S, S.Machine, Path.Combine(S.Work, $"prefix-{arch}"));
        S.Prefixes[arch] = prefix;
        await prefix.LayoutRuntimeAsync(arch, Fixture.RuntimeVersion, aspnet: true);
        string x64 = Path.Combine(prefix.DriveC, "Program Files", "dotnet"), x86 = Path.Combine(prefix.DriveC, "Program Files (x86)", "dotnet");
        string own = arch == "x64" ? x64 : x86, other = arch == "x64" ? x86 : x64;
        Assert.True(File.Exists(Path.Combine(own, "host", "fxr", Fixture.RuntimeVersion, "hostfxr.dll")), $"[win-{arch}] no hostfxr.dll in {own}");
        Assert.True(Directory.Exists(Path.Combine(own, "shared", "Microsoft.AspNetCore.App", Fixture.RuntimeVersion)),
            $"[win-{arch}] no ASP.NET Core {Fixture.RuntimeVersion} (the CLI needs it) in {own}");
        Assert.False(Directory.Exists(other), $"[win-{arch}] the prefix is not fresh: the other bitness's runtime is at {other}");
    }

    [Theory]
    [InlineData("x64")]
    [InlineData("x86")]
    public void Windows_ArchiveUnpackedIntoC_OneTopFolder(string arch)
    {
        S.Machine.RequireArch(arch);
        string rid = $"win-{arch}", name = Fixture.BundleName(rid), zip = Fixture.Bundle(rid);
        ZipFile.ExtractToDirectory(zip, S.Prefix(arch).DriveC, overwriteFiles: true);
        string tops;
        using (var archive = ZipFile.OpenRead(zip))
            tops = string.Join(' ', archive.Entries.Select(e => e.FullName.Split('/')[0]).Distinct().Order(StringComparer.Ordinal));
        Assert.True(tops == name, $"[{rid}] the archive has one top folder {name}/ (it has: {tops})");
    }

    [Theory]
    [InlineData("x64")]
    [InlineData("x86")]
    public async Task Windows_RegisterCmdThroughCmd_ExitZeroAndSaysWhatItDid(string arch)
    {
        S.Machine.RequireArch(arch);
        var r = await S.Prefix(arch).RunAsync($"[win-{arch}] register.cmd", "cmd", ["/c", $@"{Dir(arch)}\register.cmd"], TimeSpan.FromMinutes(2));
        foreach (string line in (r.Output + r.Error).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0))
            Info("register.cmd: " + line);
        bool said = (r.Output + r.Error).Contains("Registered: Connect.Bridge.Sender", StringComparison.Ordinal);
        Assert.True(r.Ok && said, $"[win-{arch}] register.cmd through cmd: {r.Describe()}, {(said ? "it said" : "it did not say")} 'Registered: Connect.Bridge.Sender':\n{r.Tail()}");
    }

    [Theory]
    [InlineData("x64")]
    [InlineData("x86")]
    public async Task Windows_RegisteredInTheViewOfItsBitness_PointingIntoTheBundle(string arch)
    {
        S.Machine.RequireArch(arch);
        int view = View(arch);
        string server = await S.Prefix(arch).RegQueryAsync(Fixture.ComClass, view);
        string expected = Regex.Escape(Fixture.BundleName($"win-{arch}")) + @"\\com\\Connect\.Bridge\.Com\.comhost\.dll";
        Assert.True(Regex.IsMatch(server, expected, RegexOptions.IgnoreCase),
            $"[win-{arch}] the {view}-bit view's InprocServer32 does not point into the bundle's com\\ folder: '{server.Trim()}'");
    }

    [Theory]
    [InlineData("x64")]
    [InlineData("x86")]
    public async Task Windows_ComThroughTheCscriptOfItsBitness(string arch)
    {
        S.Machine.RequireArch(arch);
        var prefix = S.Prefix(arch);
        string sysdir = arch == "x86" ? "syswow64" : "system32";
        File.Copy(Path.Combine(Repo.Root, "tests", "com", "send.js"), Path.Combine(prefix.DriveC, "send.js"), overwrite: true);
        await prefix.CountedAsync($@"win-{arch}, COM: {sysdir}\cscript send.js", $@"C:\windows\{sysdir}\cscript.exe",
            ["//nologo", @"C:\send.js", S.BaseUrl, Fixture.Line, Fixture.UserId], Limit, S.ProgramEnvironment);
    }

    [Theory]
    [InlineData("x64")]
    [InlineData("x86")]
    public async Task Windows_TheDllFromDelphiClient_AfterTheComObject(string arch)
    {
        S.Machine.RequireArch(arch);
        var prefix = S.Prefix(arch);
        // delphi_client.exe binds native\connect_bridge.dll like the Delphi unit, in a process where the COM object already
        // started the runtime (aftercom: as in a 1C process that uses both).
        string cc = arch == "x86" ? "i686-w64-mingw32-gcc" : "x86_64-w64-mingw32-gcc";
        var build = await S.Run.RunAsync($"[win-{arch}] delphi_client.c built", cc,
            ["-std=gnu11", "-O1", "-Wall", "-Wextra", "-Werror", "-Wno-cast-function-type", "-o", Path.Combine(prefix.DriveC, "delphi_client.exe"),
             Path.Combine(Repo.Root, "tests", "winaot", "delphi_client.c"), "-lole32", "-loleaut32", "-luuid"], Limit);
        Assert.True(build.Ok, $"[win-{arch}] delphi_client.c built ({cc}): {build.Describe()}\n{build.Tail()}");
        await prefix.CountedAsync($@"win-{arch}, DLL: delphi_client.exe against native\connect_bridge.dll", @"C:\delphi_client.exe",
            ["aftercom", $@"{Dir(arch)}\native", Repo.Version, Repo.VersionNumber.ToString(CultureInfo.InvariantCulture), S.BaseUrl, Fixture.Line, Fixture.UserId],
            Limit, S.ProgramEnvironment);
    }

    [Theory]
    [InlineData("x64")]
    [InlineData("x86")]
    public async Task Windows_CliVersionIsTheBundles(string arch)
    {
        S.Machine.RequireArch(arch);
        // Its apphost finds the runtime of its bitness.
        var r = await S.Prefix(arch).RunAsync($"[win-{arch}] cli --version", $@"{Dir(arch)}\cli\connect-bridge.exe", ["--version"], TimeSpan.FromMinutes(2));
        string version = FirstLine(r.Output);
        Assert.True(version == Repo.Version, $@"[win-{arch}] cli\connect-bridge.exe --version = {Repo.Version} (got '{version}', {r.Describe()}):" + "\n" + r.Tail());
    }

    [Theory]
    [InlineData("x64")]
    [InlineData("x86")]
    public async Task Windows_UnregisterCmd_ExitZeroAndTheClassIsGone(string arch)
    {
        S.Machine.RequireArch(arch);
        var prefix = S.Prefix(arch);
        try
        {
            var r = await prefix.RunAsync($"[win-{arch}] unregister.cmd", "cmd", ["/c", $@"{Dir(arch)}\unregister.cmd"], TimeSpan.FromMinutes(2));
            int view = View(arch);
            string server = await prefix.RegQueryAsync(Fixture.ComClass, view);
            Assert.True(r.Ok, $"[win-{arch}] unregister.cmd through cmd: {r.Describe()}\n{r.Tail()}");
            Assert.False(server.Contains("comhost", StringComparison.OrdinalIgnoreCase),
                $"[win-{arch}] after unregister.cmd the class is still in the {view}-bit view: '{server.Trim()}'");
        }
        finally
        {
            await prefix.KillAsync();
        }
    }

    // The Linux bundle.

    private string LinuxDir => Path.Combine(S.Work, "linux", Fixture.BundleName("linux-x64"));

    [Fact]
    public async Task Linux_ArchiveUnpacked_OneTopFolder()
    {
        string into = Path.Combine(S.Work, "linux");
        Directory.CreateDirectory(into);
        var r = await S.Run.RunAsync("[linux-x64] tar xzf", "tar", ["xzf", Fixture.Bundle("linux-x64"), "-C", into], Limit);
        Assert.True(r.Ok, $"[linux-x64] bundle unpacked: {r.Describe()}\n{r.Tail()}");
        string tops = string.Join(' ', Directory.EnumerateFileSystemEntries(into).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(tops == Fixture.BundleName("linux-x64"), $"[linux-x64] the archive has one top folder {Fixture.BundleName("linux-x64")}/ (it has: {tops})");
    }

    [Fact]
    public async Task Linux_LibraryAnswersCbVersion()
    {
        string lib = Path.Combine(LinuxDir, "native", "libconnect_bridge.so");
        var r = await S.Run.RunAsync("[linux-x64] cb_version (python ctypes)", "python3",
            ["-c", "import ctypes,sys; l=ctypes.CDLL(sys.argv[1]); l.cb_version.restype=ctypes.c_char_p; print(l.cb_version().decode())", lib], Limit);
        string version = FirstLine(r.Output);
        Assert.True(r.Ok && version == Repo.Version, $"[linux-x64] native/libconnect_bridge.so: cb_version() = {Repo.Version} (got '{version}', {r.Describe()}):\n{r.Tail()}");
    }

    [Fact]
    public async Task Linux_CliVersionIsTheBundles()
    {
        var r = await S.Run.RunAsync("[linux-x64] cli --version", "dotnet", [Path.Combine(LinuxDir, "cli", "connect-bridge.dll"), "--version"], Limit);
        string version = FirstLine(r.Output + r.Error);
        Assert.True(version == Repo.Version, $"[linux-x64] cli/connect-bridge.dll --version = {Repo.Version} (got '{version}', {r.Describe()})");
    }

    [Theory]
    [InlineData("native/connect_bridge.h")]
    [InlineData("native/ConnectBridge.pas")]
    [InlineData("examples/send.c")]
    [InlineData("README.md")]
    public void Linux_FileIsInTheBundle(string file)
    {
        var info = new FileInfo(Path.Combine(LinuxDir, file));
        Assert.True(info.Exists && info.Length > 0, $"[linux-x64] {file} is missing or empty in the bundle");
    }

    [Fact]
    public void Linux_ReadmeRussianFirstEnglishBelow()
    {
        string headings = string.Concat(File.ReadLines(Path.Combine(LinuxDir, "README.md")).Where(l => l.StartsWith("## ", StringComparison.Ordinal)).Select(l => l + ","));
        Assert.Equal("## По-русски,## In English,", headings);
    }

    private static string Dir(string arch) => $@"C:\{Fixture.BundleName($"win-{arch}")}";

    private static int View(string arch) => arch == "x86" ? 32 : 64;

    private static string FirstLine(string text) => text.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault() ?? "";
}
