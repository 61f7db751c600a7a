using System.Text.RegularExpressions;
using CliWrap;
using Connect.Bridge.Emulator;

namespace Connect.Bridge.IntegrationTests.Suites;

/// <summary>
/// The NativeAOT connect_bridge.dll for Windows (issue 21), x64 and x86, under Wine in a prefix where no .NET runtime
/// was ever laid out (checked, not assumed):
/// 1. ./build.sh native's Windows half (packaging/build-native.sh, native/winaot); the PE files: machine, the export
///    table (every function of connect_bridge.h and the add-in's entry points, undecorated on x86), imports only of
///    Windows itself (no .NET host, no vcruntime), a load-config directory with the cookie, CFG and (x86) SafeSEH;
/// 2. the runtime pieces of native/winaot on their own (pieces_dll.cpp + pieces_test.c): cookie random per load and
///    enforced, initializers, TLS callbacks, thread_local dynamic init, chkstk, atexit at unload;
/// 3. tests/winaot/delphi_client.c (bound like the Delphi unit) against the emulator; native/examples/send.c linked with
///    the import library; the C harness, corpus and fault runners of tests/native cross-compiled unchanged;
/// 4. the add-in: the DLL copied ALONE (renamed, as 1C's cache does) into an empty folder, driven by
///    tests/addin/win_host.c (sends, errors, every member); the emulator must record exactly the one good send;
/// 5. four processes making their first call at the same moment (first_call.c), all answered 2xx;
/// 6. two copies of the DLL (two names, two folders: two versions side by side) in one process, each its own runtime.
/// </summary>
public sealed partial class WinAotSuite(WinAotSuite.Fixture suite) : SuiteTests<WinAotSuite.Fixture>(suite), IClassFixture<WinAotSuite.Fixture>
{
    public sealed class Fixture() : Suite("winaot")
    {
        public const string Login = "aot-bot", Line = "5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44", UserId = "df4cca69-ce40-472e-9083-af9b279c72cc";

        public const string AddInDll = "connect_bridge_component.dll";

        public WineMachine Machine { get; private set; } = null!;

        public WinePrefix Prefix { get; private set; } = null!;

        /// <summary>The line of the C harness (the emulator accepts it and <see cref="Line"/>).</summary>
        public string HarnessLine { get; } = Guid.NewGuid().ToString();

        /// <summary>Every name the DLL must export (native/winaot/exports.py).</summary>
        public HashSet<string> Exports { get; private set; } = [];

        /// <summary>The build of the test programs, per arch and step (asserted by <see cref="TestProgramsBuilt"/>).</summary>
        public Dictionary<(string Arch, string Step), List<RunResult>> Builds { get; } = [];

        /// <summary>The emulator of delphi_client and the C harness, without the trailing slash.</summary>
        public string Base { get; private set; } = "";

        public static string Native(string arch) => Path.Combine(Repo.Artifacts, "native", $"win-{arch}");

        public static string Dll(string arch) => Path.Combine(Native(arch), "connect_bridge.dll");

        public string Bin(string arch) => Path.Combine(Work, $"bin-{arch}");

        /// <summary>An emulator of its own (its own request counts) for this suite's login and both lines.</summary>
        public Task<EmulatorServer> OwnEmulatorAsync() => EmulatorAsync(Login, HarnessLine, Line);

        /// <summary>What the programs read: the login and password (by environment, never an argument), and more.</summary>
        public Dictionary<string, string?> Env(params (string Key, string Value)[] more)
        {
            var env = new Dictionary<string, string?> { ["CB_TEST_LOGIN"] = Login, ["CB_TEST_PASSWORD"] = Password };
            foreach (var (k, v) in more) env[k] = v;
            return env;
        }

        protected override async Task SetUpAsync()
        {
            Machine = await WineMachine.PrepareAsync(Run); // wine64 + wine32 and mingw of both bitnesses (tests/wine/install.sh)
            await BuildNativeAsync("win-x64 win-x86");
            await Apt.NeedAsync(Run, "python3:python3", "file:file", "llvm-readobj:llvm", "clang:clang", "lld-link:lld");
            string exports = Path.Combine(Work, "exports");
            await Run.StepAsync("the export list (native/winaot/exports.py)", "python3",
                Path.Combine(Repo.Root, "native", "winaot", "exports.py"), Repo.Root, exports);
            Exports = [.. File.ReadAllLines(Path.Combine(exports, "exports.txt")).Where(l => l.Length > 0)];
            foreach (string arch in new[] { "x64", "x86" }) await BuildProgramsAsync(arch);
            Prefix = await WinePrefix.BootAsync(this, Machine, Path.Combine(Work, "prefix"));
            foreach (string arch in new[] { "x64", "x86" }) CopyTree(Bin(arch), Path.Combine(Prefix.DriveC, $"bin-{arch}"));
            Base = (await OwnEmulatorAsync()).BaseUrl.ToString().TrimEnd('/');
        }

        private async Task BuildProgramsAsync(string arch)
        {
            string cc = arch == "x86" ? "i686-w64-mingw32-gcc" : "x86_64-w64-mingw32-gcc", triple = arch == "x86" ? "i686" : "x86_64";
            string bin = Bin(arch), native = Native(arch), pieces = Path.Combine(Work, $"pieces-{arch}"), root = Repo.Root;
            Directory.CreateDirectory(bin);
            Directory.CreateDirectory(pieces);
            string[] flags = ["-std=gnu11", "-O1", "-Wall", "-Wextra", "-Werror", "-Wno-cast-function-type"];
            async Task Step(string step, string label, string program, params string[] args)
            {
                if (!Builds.TryGetValue((arch, step), out var list)) Builds[(arch, step)] = list = [];
                list.Add(await Run.RunAsync($"[{arch}] {label}", program, args, TimeSpan.FromMinutes(10)));
            }

            await Step("programs", "delphi_client.exe", cc, [.. flags, "-o", Path.Combine(bin, "delphi_client.exe"),
                Path.Combine(root, "tests", "winaot", "delphi_client.c"), "-lole32", "-loleaut32", "-luuid"]);
            await Step("programs", "win_host.exe", cc, [.. flags, "-o", Path.Combine(bin, "win_host.exe"), Path.Combine(root, "tests", "addin", "win_host.c")]);
            await Step("programs", "first_call.exe", cc, [.. flags, "-o", Path.Combine(bin, "first_call.exe"), Path.Combine(root, "tests", "winaot", "first_call.c")]);
            await Step("programs", "pieces_test.exe", cc, [.. flags, "-o", Path.Combine(bin, "pieces_test.exe"), Path.Combine(root, "tests", "winaot", "pieces_test.c")]);
            string posix = Path.Combine(root, "tests", "winaot", "posix");
            await Step("harness", "harness.exe", cc, [.. flags, "-include", Path.Combine(posix, "win_posix.h"), "-I", posix,
                "-I", Path.Combine(root, "native", "include"), "-I", Path.Combine(root, "tests", "native"), Path.Combine(root, "tests", "native", "harness.c"),
                Path.Combine(native, "libconnect_bridge.dll.a"), "-lws2_32", "-static", "-lpthread", "-o", Path.Combine(bin, "harness.exe")]);
            await Step("runner", "runner.exe", cc, [.. flags, "-I", Path.Combine(root, "native", "include"), Path.Combine(root, "tests", "runner", "runner.c"),
                Path.Combine(root, "tests", "runner", "surface_native.c"), Path.Combine(native, "libconnect_bridge.dll.a"), "-lws2_32", "-o", Path.Combine(bin, "runner.exe")]);
            await Step("send", "send.exe", cc, ["-std=c99", "-Wall", "-Wextra", "-Werror", "-I", native, Path.Combine(root, "native", "examples", "send.c"),
                "-L", native, "-lconnect_bridge", "-o", Path.Combine(bin, "send.exe")]);

            // The runtime pieces alone, linked the way WinAot.targets links the DLL (minus the .NET objects).
            var objects = new List<string>();
            string[] sources = ["crt_entry.c", "tls.c", "gs.c", "new_delete.cpp", "loadconfig.S", $"helpers_{arch}.S"];
            foreach (string src in sources.Select(s => Path.Combine(root, "native", "winaot", s)).Append(Path.Combine(root, "tests", "winaot", "pieces_dll.cpp")))
            {
                string obj = Path.Combine(pieces, Path.GetFileName(src) + ".obj");
                await Step("pieces", $"{Path.GetFileName(src)} compiled (clang)", "clang", $"--target={triple}-pc-windows-msvc", "-nostdinc", "-O2", "-Wall",
                    "-Wextra", "-Werror", "-fno-exceptions", "-Xclang", "-cfguard", "-c", src, "-o", obj);
                if (Builds[(arch, "pieces")][^1].Ok) objects.Add(obj);
            }
            string[] safeseh = arch == "x86" ? ["/safeseh:no"] : [];
            string[] libs = [$"/usr/{triple}-w64-mingw32/lib/libkernel32.a", $"/usr/{triple}-w64-mingw32/lib/libucrt.a"];
            await Step("pieces", "pieces_dll.dll linked (lld-link)", "lld-link", ["/dll", "/nologo", "/guard:cf", "/nodefaultlib", "/errorlimit:0", .. safeseh,
                $"/out:{Path.Combine(bin, "pieces_dll.dll")}", .. objects, .. libs]);
            // A piece missing (gs.c: the stack cookie) fails the link loudly, naming the symbols, as WinAot.targets relies on.
            await Step("broken", "a link without gs.c (lld-link)", "lld-link", ["/dll", "/nologo", "/nodefaultlib", "/errorlimit:0", .. safeseh,
                $"/out:{Path.Combine(pieces, "broken.dll")}", .. objects.Where(o => !o.EndsWith("/gs.c.obj", StringComparison.Ordinal)), .. libs]);
        }
    }

    private static readonly TimeSpan Minutes2 = TimeSpan.FromMinutes(2), Minutes5 = TimeSpan.FromMinutes(5);

    private static void Info(string line) => TestContext.Current.TestOutputHelper?.WriteLine("# " + line);

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)), overwrite: true);
    }

    // ---- 1. the build and the PE files ------------------------------------------------------------------------------

    [Theory, InlineData("x64"), InlineData("x86")]
    public async Task PeFile_MachineExportsImportsLoadConfig(string arch)
    {
        string dll = Fixture.Dll(arch);
        string kind = (await S.Run.RunAsync($"[{arch}] file -b", "file", ["-b", dll], Minutes2)).Output;
        if (arch == "x86") Assert.True(Regex.IsMatch(kind, "PE32 executable.*80386"), $"[{arch}] PE32 (80386): {kind}");
        else Assert.True(Regex.IsMatch(kind, "PE32\\+ executable.*x86-64"), $"[{arch}] PE32+ (x86-64): {kind}");

        var exported = Names(await ReadObj(arch, "--coff-exports"), NameLine()).ToHashSet();
        var missing = S.Exports.Where(e => !exported.Contains(e)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0,
            $"[{arch}] exports every function of connect_bridge.h and the add-in's entry points, undecorated; not exported: {string.Join(' ', missing)}");
        // Beside the contract, only the runtime's debugger header and the Brotli functions its static library marks
        // __declspec(dllexport) (an MSVC link exports those too).
        var extra = exported.Where(e => !S.Exports.Contains(e) && !AllowedExtraExport().IsMatch(e)).Order(StringComparer.Ordinal).ToList();
        Assert.True(extra.Count == 0, $"[{arch}] no other exports; also exported: {string.Join(' ', extra)}");

        var imports = Names(await ReadObj(arch, "--coff-imports"), DllNameLine()).Distinct().Order(StringComparer.Ordinal).ToList();
        Info($"[{arch}] imports: {string.Join(' ', imports)}");
        var foreign = imports.Where(i => !AllowedImport().IsMatch(i)).ToList();
        Assert.True(foreign.Count == 0,
            $"[{arch}] imports only Windows' own DLLs and the Universal CRT (no .NET host, no vcruntime); also: {string.Join(' ', foreign)}");

        string config = await ReadObj(arch, "--coff-load-config");
        Assert.True(Regex.IsMatch(config, "SecurityCookie: 0x[1-9A-F]") && Regex.IsMatch(config, "GuardCFCheckFunction: 0x[1-9A-F]")
                    && Regex.IsMatch(config, "GuardCFFunctionCount: [1-9]") && Regex.IsMatch(config, "GuardFlags: 0x[0-9A-F]*[5-7][0-9A-F]{2}$", RegexOptions.Multiline),
            $"[{arch}] load-config directory: the security cookie and CFG (check function, function table, flags):\n{config}");
        if (arch == "x86")
            Assert.True(Regex.IsMatch(config, "SEHandlerCount: [1-9]"), $"[{arch}] SafeSEH: a handler table in the load config (linked /safeseh):\n{config}");

        string headers = await ReadObj(arch, "--file-headers");
        int flags = headers.Split('\n').Count(l => Regex.IsMatch(l, "IMAGE_DLL_CHARACTERISTICS_(GUARD_CF|DYNAMIC_BASE|NX_COMPAT) "));
        Assert.True(flags == 3, $"[{arch}] DLL characteristics: GUARD_CF, DYNAMIC_BASE, NX_COMPAT ({flags} of 3):\n{headers}");
    }

    private async Task<string> ReadObj(string arch, string what)
    {
        var r = await S.Run.RunAsync($"[{arch}] llvm-readobj {what}", "llvm-readobj", [what, Fixture.Dll(arch)], Minutes2);
        Assert.True(r.Ok, $"[{arch}] llvm-readobj {what}: {r.Describe()}\n{r.Tail()}");
        return r.Output;
    }

    private static IEnumerable<string> Names(string output, Regex line) =>
        output.Split('\n').Select(l => line.Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"^ *Name: (.+)$")]
    private static partial Regex NameLine();

    [GeneratedRegex(@"^ *Name: (.*\.[dD][lL][lL])$")]
    private static partial Regex DllNameLine();

    [GeneratedRegex(@"^(DotNetRuntimeDebugHeader|_*k?Brotli[A-Za-z]+(@[0-9]+)?)$")]
    private static partial Regex AllowedExtraExport();

    [GeneratedRegex(@"^(kernel32|advapi32|bcrypt|crypt32|iphlpapi|ncrypt|normaliz|ntdll|ole32|oleaut32|secur32|user32|version|ws2_32|mswsock)\.dll$|^api-ms-win-crt-[a-z]+-l1-1-0\.dll$",
        RegexOptions.IgnoreCase)]
    private static partial Regex AllowedImport();

    // ---- the test programs, built by the fixture -------------------------------------------------------------------

    [Theory, InlineData("x64"), InlineData("x86")]
    public void TestProgramsBuilt(string arch)
    {
        string cc = arch == "x86" ? "i686-w64-mingw32-gcc" : "x86_64-w64-mingw32-gcc";
        AllOk(arch, "programs", $"tests/winaot/delphi_client.c, tests/addin/win_host.c, first_call.c, pieces_test.c built ({cc})");
        AllOk(arch, "harness", $"tests/native/harness.c cross-compiled unchanged against the DLL's import library ({cc}, -Werror)");
        AllOk(arch, "runner", $"the runner core with the cb_* surface built against the DLL's import library ({cc}, -Werror)");
        AllOk(arch, "send", "native/examples/send.c links against libconnect_bridge.dll.a with the header unchanged");
        AllOk(arch, "pieces", "pieces_dll.dll linked from native/winaot's pieces alone (lld-link, no undefined symbol)");
        var broken = S.Builds[(arch, "broken")].Single();
        string said = broken.Output + "\n" + broken.Error;
        Assert.True(broken.ExitCode != 0 && !broken.TimedOut && Regex.IsMatch(said, "undefined symbol: .*__security_cookie"),
            $"[{arch}] a link missing a runtime piece fails ({broken.Describe()}), listing the unresolved symbols:\n{broken.Tail()}");
    }

    private void AllOk(string arch, string step, string what)
    {
        var failed = S.Builds[(arch, step)].FirstOrDefault(r => !r.Ok);
        Assert.True(failed is null, $"[{arch}] {what}: {failed?.Label} {failed?.Describe()}\n{failed?.Tail()}");
    }

    [Fact]
    public async Task Prefix_HasNoDotnet()
    {
        string c = S.Prefix.DriveC;
        var traces = new[] { Path.Combine(c, "Program Files", "dotnet"), Path.Combine(c, "Program Files (x86)", "dotnet") }.Where(Directory.Exists).ToList();
        var reg = await S.Prefix.RunAsync("reg query HKLM\\SOFTWARE\\dotnet", "reg", ["query", @"HKLM\SOFTWARE\dotnet", "/reg:32"], TimeSpan.FromMinutes(1));
        Assert.False(reg.TimedOut, "reg query HKLM\\SOFTWARE\\dotnet /reg:32 was stopped at its time limit");
        traces.AddRange(reg.Output.Split('\n').Where(l => l.Contains("dotnet", StringComparison.OrdinalIgnoreCase)));
        Assert.True(traces.Count == 0, "the prefix has no .NET runtime: no dotnet folder, no HKLM\\SOFTWARE\\dotnet; found: " + string.Join("; ", traces));
    }

    // ---- 2. the runtime pieces --------------------------------------------------------------------------------------

    [Theory, InlineData("x64"), InlineData("x86")]
    public async Task RuntimePieces(string arch)
    {
        S.Machine.RequireArch(arch);
        string bin = $@"C:\bin-{arch}";
        await S.Prefix.CountedAsync($"{arch}, runtime pieces", $@"{bin}\pieces_test.exe", [$@"{bin}\pieces_dll.dll"], Minutes2);
        var r = await S.Prefix.RunAsync($"{arch}, runtime pieces, gsfail", $@"{bin}\pieces_test.exe", [$@"{bin}\pieces_dll.dll", "gsfail"], Minutes2);
        // 0xC0000409 (STATUS_STACK_BUFFER_OVERRUN): Wine passes its low byte on as the process's exit status.
        Assert.True(r.ExitCode == 9 && !r.Output.Contains("survived", StringComparison.Ordinal) && !r.Error.Contains("survived", StringComparison.Ordinal),
            $"[{arch}, runtime pieces] a wrong cookie ends the process at once (__fastfail: {r.Describe()}, nothing after it):\n{r.Tail()}");
    }

    // ---- 3. delphi_client.exe, the tests/native programs -----------------------------------------------------------

    [Theory, InlineData("x64"), InlineData("x86")]
    public async Task DelphiClient_Full(string arch)
    {
        S.Machine.RequireArch(arch);
        string dir = Path.Combine(S.Prefix.DriveC, $"dll-{arch}");
        Directory.CreateDirectory(dir);
        File.Copy(Fixture.Dll(arch), Path.Combine(dir, "connect_bridge.dll"), overwrite: true);
        await S.Prefix.CountedAsync($"{arch}, delphi_client.c full", $@"C:\bin-{arch}\delphi_client.exe",
            ["full", $@"C:\dll-{arch}", Repo.Version, Repo.VersionNumber.ToString(CultureInfo.InvariantCulture), S.Base + "/", Fixture.Line, Fixture.UserId],
            Minutes5, S.Env());
    }

    [Theory, InlineData("x64"), InlineData("x86")]
    public async Task CHarness(string arch)
    {
        S.Machine.RequireArch(arch);
        // The programs linked with the import library load the DLL from beside them.
        File.Copy(Fixture.Dll(arch), Path.Combine(S.Prefix.DriveC, $"bin-{arch}", "connect_bridge.dll"), overwrite: true);
        await S.Prefix.CountedAsync($"{arch}, tests/native/harness.c", $@"C:\bin-{arch}\harness.exe", [], TimeSpan.FromMinutes(10),
            S.Env(("CB_TEST_BASE_URL", S.Base), ("CB_TEST_LINE", S.HarnessLine)));
    }

    [Theory, InlineData("x64"), InlineData("x86")]
    public async Task RunnerCorpus(string arch)
    {
        S.Machine.RequireArch(arch);
        File.Copy(Fixture.Dll(arch), Path.Combine(S.Prefix.DriveC, $"bin-{arch}", "connect_bridge.dll"), overwrite: true);
        var emulator = await S.OwnEmulatorAsync();
        await S.Prefix.RunnerCorpusAsync("native", arch, $@"C:\bin-{arch}", emulator.BaseUrl.ToString().TrimEnd('/'), S.Env());
    }

    [Theory, InlineData("x64"), InlineData("x86")]
    public async Task RunnerFaults(string arch)
    {
        S.Machine.RequireArch(arch);
        File.Copy(Fixture.Dll(arch), Path.Combine(S.Prefix.DriveC, $"bin-{arch}", "connect_bridge.dll"), overwrite: true);
        Directory.CreateDirectory(RepoPaths.Reports); // the observed table, next to the .NET matrix's fault-matrix.md
        await S.Prefix.RunnerFaultsAsync("native", arch, $@"C:\bin-{arch}", S.Env());
    }

    // ---- 4. the add-in: the DLL alone in an empty folder ------------------------------------------------------------

    private const string AddInText = "Привет из Windows, мир! Ёлка «кавычки» и 😀"; // = MESSAGE_TEXT of win_host.c

    [Theory, InlineData("x64"), InlineData("x86")]
    public async Task AddIn_DllAloneInAnEmptyFolder(string arch)
    {
        S.Machine.RequireArch(arch);
        var emulator = await S.OwnEmulatorAsync();
        string cache = Path.Combine(S.Prefix.DriveC, $"cache-{arch}");
        Directory.CreateDirectory(cache);
        File.Copy(Fixture.Dll(arch), Path.Combine(cache, Fixture.AddInDll), overwrite: true);
        Assert.True(Listing(cache) == Fixture.AddInDll, $"[{arch}] the cache folder holds the DLL alone: {Listing(cache)}");

        await S.Prefix.CountedAsync($"{arch}, add-in, DLL alone (win_host.c)", $@"C:\bin-{arch}\win_host.exe", [$@"C:\cache-{arch}\{Fixture.AddInDll}"],
            Minutes5, S.Env(("CB_TEST_BASE_URL", emulator.BaseUrl.ToString().TrimEnd('/')), ("CB_TEST_LINE", Fixture.Line)));

        var calls = emulator.Calls;
        var keyboard = calls.Count == 1 ? (calls[0].Keyboard ?? []).Select(row => row.Select(b => b.Text).ToList()).ToList() : null;
        bool ok = emulator.RequestCount == 1 && emulator.AcceptedCount == 1 && calls.Count == 1 && calls[0].Text == AddInText
                  && calls[0].LineId == Fixture.Line && keyboard is [["Да", "Нет"], ["Позвать оператора"]];
        Assert.True(ok, $"[{arch}] add-in: the emulator got exactly the one good send, Cyrillic text and two-row keyboard intact; "
                        + $"requests {emulator.RequestCount}, accepted {emulator.AcceptedCount}, recorded: "
                        + string.Join(" | ", calls.Select(c => c.RawBody)));
        Assert.True(Listing(cache) == Fixture.AddInDll, $"[{arch}] loading and using the DLL wrote nothing beside it: {Listing(cache)}");
    }

    private static string Listing(string dir) =>
        string.Join(' ', Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

    // ---- 5. four processes, first call at the same moment ----------------------------------------------------------

    [Theory, InlineData("x64"), InlineData("x86")]
    public async Task FourProcesses_FirstCallAtOnce(string arch)
    {
        S.Machine.RequireArch(arch);
        var emulator = await S.OwnEmulatorAsync();
        string bin = $@"C:\bin-{arch}";
        var env = new Dictionary<string, string?>(S.Run.Environment);
        foreach (var (k, v) in S.Prefix.Environment(S.Env())) env[k] = v;
        int ready = 0;
        var allReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var outputs = Enumerable.Range(1, 4).Select(_ => new StringBuilder()).ToList();
        // Their output is read as it comes: "ready" says a process waits on the event (the old script polled its files).
        var waiting = outputs.Select(async (output, i) =>
        {
            var command = Cli.Wrap(WineMachine.Wine64)
                .WithArguments([$@"{bin}\first_call.exe", "wait", $@"C:\cache-{arch}\{Fixture.AddInDll}", emulator.BaseUrl.ToString(), Fixture.Line, Fixture.UserId])
                .WithEnvironmentVariables(env).WithValidation(CommandResultValidation.None).WithStandardInputPipe(PipeSource.Null)
                .WithStandardOutputPipe(PipeTarget.Merge(PipeTarget.ToStringBuilder(output, Encoding.UTF8), PipeTarget.ToDelegate(line =>
                {
                    if (line.TrimEnd('\r') == "ready" && Interlocked.Increment(ref ready) == 4) allReady.TrySetResult();
                }, Encoding.UTF8)))
                .WithStandardErrorPipe(PipeTarget.ToStringBuilder(output, Encoding.UTF8));
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            try
            {
                await command.ExecuteAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                output.Append("stopped at its time limit\n");
            }
            await File.WriteAllTextAsync(Path.Combine(S.Logs, $"first-{arch}-{i + 1}.log"), output.ToString());
        }).ToList();
        await Task.WhenAny(allReady.Task, Task.WhenAll(waiting), Task.Delay(TimeSpan.FromMinutes(1)));
        var go = await S.Prefix.RunAsync($"{arch}, first_call go", $@"{bin}\first_call.exe", ["go"], TimeSpan.FromMinutes(1));
        await Task.WhenAll(waiting);

        var lines = outputs.SelectMany(o => o.ToString().Split('\n').Select(l => l.TrimEnd('\r'))).ToList();
        Info($"[{arch}] four first calls: {string.Join(';', lines.Where(l => l.StartsWith("status", StringComparison.Ordinal)))}");
        var statuses = lines.Select(l => StatusLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList();
        Assert.True(string.Join(' ', statuses) == "200 200 200 200",
            $"[{arch}] four processes released at once: each loaded the DLL, started its runtime and sent (200 x4); {ready} of 4 were ready, "
            + $"go: {go.Describe()}, statuses: {string.Join(' ', statuses)}; output:\n{string.Join('\n', lines.Where(l => l.Length > 0))}");
        Assert.True(emulator.AcceptedCount == 4, $"[{arch}] the emulator accepted the four sends: it accepted {emulator.AcceptedCount}");
    }

    [GeneratedRegex(@"^status (-?[0-9]+) ([0-9]+) ms$")]
    private static partial Regex StatusLine();

    // ---- 6. two copies in one process (two versions of a component side by side) -----------------------------------

    [Theory, InlineData("x64"), InlineData("x86")]
    public async Task TwoCopiesInOneProcess(string arch)
    {
        S.Machine.RequireArch(arch);
        var emulator = await S.OwnEmulatorAsync();
        await S.Prefix.CountedAsync($"{arch}, two copies in one process", $@"C:\bin-{arch}\first_call.exe",
            ["two", $@"C:\dll-{arch}\connect_bridge.dll", $@"C:\cache-{arch}\{Fixture.AddInDll}", emulator.BaseUrl.ToString(), Fixture.Line, Fixture.UserId],
            Minutes5, S.Env());
        Assert.True(emulator.AcceptedCount == 24, $"[{arch}] two copies: the emulator accepted their 24 sends: it accepted {emulator.AcceptedCount}");
    }
}
