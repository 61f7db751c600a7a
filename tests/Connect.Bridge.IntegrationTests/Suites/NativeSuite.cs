namespace Connect.Bridge.IntegrationTests.Suites;

/// <summary>
/// libconnect_bridge.so through its header: the contract check (tests/native/check_contract.py) and the -z nodelete
/// flag; the C harness, the Free Pascal harness (-Mdelphi), dlclose x5 and fork() against the emulator; then the runner
/// core (tests/runner, cb_* surface) over the bad-input corpus (against the emulator) and the fault matrix.
/// </summary>
public sealed class NativeSuite(NativeSuite.Fixture suite) : SuiteTests<NativeSuite.Fixture>(suite), IClassFixture<NativeSuite.Fixture>
{
    public sealed class Fixture() : Suite("native")
    {
        public const string Login = "native-bot", CorpusLine = "5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44";

        public string Lib => Path.Combine(Repo.Artifacts, "native", "linux-x64");

        public string Line { get; } = Guid.NewGuid().ToString();

        public string Corpus { get; private set; } = "";

        public string EmulatorUrl { get; private set; } = "";

        /// <summary>What the harnesses read: the emulator, its login and password, their line.</summary>
        public Dictionary<string, string?> HarnessEnvironment => new()
        {
            ["CB_TEST_BASE_URL"] = EmulatorUrl, ["CB_TEST_LOGIN"] = Login, ["CB_TEST_PASSWORD"] = Password, ["CB_TEST_LINE"] = Line,
        };

        public string Program(string name) => Path.Combine(Work, name);

        protected override async Task SetUpAsync()
        {
            await Apt.NeedAsync(Run, "gcc:gcc libc6-dev", "fpc:fp-compiler fp-units-rtl", "python3:python3", "readelf:binutils");
            await BuildNativeAsync("linux-x64");
            Directory.CreateDirectory(Program("fpc-units"));
            await Cc("harness-c", "tests/native/harness.c");
            await Cc("dlclose", "tests/native/dlclose.c");
            await Cc("fork-child", "tests/native/fork_child.c");
            await Cc("runner", "tests/runner/runner.c", "tests/runner/surface_native.c");
            await Cc("send-c", "native/examples/send.c"); // the example must keep compiling
            await Fpc("harness-pas", "tests/native/harness.pas");
            await Fpc("send-pas", "native/examples/send.dpr");
            Corpus = await CorpusFlatAsync();
            EmulatorUrl = (await EmulatorAsync(Login, Line, CorpusLine)).BaseUrl.ToString().TrimEnd('/');
        }

        private Task Cc(string output, params string[] sources) =>
            Run.StepAsync($"{output} compiled (gcc -Werror)", "gcc",
                ["-std=c11", "-O1", "-Wall", "-Wextra", "-Werror", "-pthread", "-I", Lib, .. sources, "-L", Lib, "-Wl,--as-needed",
                 "-lconnect_bridge", $"-Wl,-rpath,{Lib}", "-ldl", "-lm", "-o", Program(output)]);

        private Task Fpc(string output, string source) =>
            Run.StepAsync($"{source} compiled (fpc -Mdelphi)", "fpc", "-Mdelphi", "-O1", "-vew", $"-Fu{Repo.Root}/native/delphi",
                $"-Fl{Lib}", $"-k-rpath={Lib}", $"-FU{Program("fpc-units")}", $"-o{Program(output)}", source);
    }

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    [Fact]
    public Task Contract_IdsCodesVersionAndNamesAgree() =>
        S.Run.CountedAsync("contract (tests/native/check_contract.py)", "python3", ["tests/native/check_contract.py", Repo.Root], Limit);

    [Fact]
    public async Task Library_IsLinkedWithNodelete()
    {
        // A NativeAOT library cannot be unloaded: -z nodelete makes dlclose harmless (issue 10, item 1).
        var r = await S.Run.RunAsync("readelf -d", "readelf", ["-d", Path.Combine(S.Lib, "libconnect_bridge.so")], Limit);
        Assert.Matches("FLAGS_1.*NODELETE", r.Output);
    }

    [Fact]
    public Task CHarness() => S.Run.CountedAsync("C harness", S.Program("harness-c"), [], Limit, S.HarnessEnvironment);

    [Fact]
    public Task PascalHarness() => S.Run.CountedAsync("Pascal harness", S.Program("harness-pas"), [], Limit, S.HarnessEnvironment);

    [Fact]
    public Task DlcloseFiveTimes() =>
        S.Run.CountedAsync("dlclose x5", S.Program("dlclose"), [Path.Combine(S.Lib, "libconnect_bridge.so")], Limit, S.HarnessEnvironment);

    [Fact]
    public Task ForkChild() => S.Run.CountedAsync("fork child", S.Program("fork-child"), [], Limit, S.HarnessEnvironment);

    [Fact]
    public Task Corpus() =>
        S.Run.CountedAsync("corpus, native", S.Program("runner"), ["corpus", S.Corpus, S.EmulatorUrl], TimeSpan.FromMinutes(15), S.HarnessEnvironment);

    [Fact]
    public async Task Faults()
    {
        var (_, manifest) = await S.FaultsAsync();
        Directory.CreateDirectory(RepoPaths.Reports); // the observed table, next to the .NET matrix's fault-matrix.md
        await S.Run.CountedAsync("faults, native", S.Program("runner"),
            ["faults", manifest, Path.Combine(RepoPaths.Reports, "fault-matrix-native.md")], TimeSpan.FromMinutes(15), S.HarnessEnvironment);
    }
}
