namespace Connect.Bridge.IntegrationTests.Suites;

/// <summary>
/// Soak: 8 threads x 10 000 sends against the emulator through the .NET API (tests/soak/Program.cs, its emulator in a
/// child process) and through libconnect_bridge.so (tests/soak/soak.c, each thread with its own sender, a unique text
/// per message); every (thread, seq) must be recorded exactly once, RSS growth is reported. 8 x 500 per surface unless
/// CB_SOAK=full. Results (JSON) in artifacts/soak/.
/// </summary>
/// <remarks>
/// The native program's emulator runs in this test process: the program is a process of its own, so the RSS figures it
/// reports are still the client's alone.
/// </remarks>
public sealed class SoakSuite(SoakSuite.Fixture suite) : SuiteTests<SoakSuite.Fixture>(suite), IClassFixture<SoakSuite.Fixture>
{
    public sealed class Fixture() : Suite("soak")
    {
        public const string Login = "soak-bot";

        public static string Lib => Path.Combine(Repo.Artifacts, "native", "linux-x64");

        /// <summary>full (8 x 10 000) when CB_SOAK=full, else short (8 x 500, the CI run).</summary>
        public static string Mode => Environment.GetEnvironmentVariable("CB_SOAK") == "full" ? "full" : "short";

        /// <summary>A bound against a hang, not a performance assertion.</summary>
        public static TimeSpan Limit => TimeSpan.FromSeconds(Mode == "full" ? 1800 : 600);

        /// <summary>The programs' own switch: --short for the short run, nothing for the full one.</summary>
        public static string[] ModeArgs => Mode == "short" ? ["--short"] : [];

        public static string Results => Path.Combine(Repo.Artifacts, "soak");

        public string Soak => Path.Combine(Work, "soak");

        public string EmulatorUrl { get; private set; } = "";

        protected override async Task SetUpAsync()
        {
            await Apt.NeedAsync(Run, "gcc:gcc libc6-dev");
            await BuildNativeAsync("linux-x64");
            await Run.StepAsync("tests/soak/soak.c compiled", "gcc",
                "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-I", Lib, Path.Combine(Repo.Root, "tests", "soak", "soak.c"), "-L", Lib,
                "-lconnect_bridge", $"-Wl,-rpath,{Lib}", "-lpthread", "-o", Soak);
            Directory.CreateDirectory(Results);
            EmulatorUrl = (await EmulatorAsync(Login)).BaseUrl.ToString().TrimEnd('/');
        }
    }

    [Fact]
    public async Task Native_EightThreads_NoneLostNoneDuplicated()
    {
        string json = Path.Combine(Fixture.Results, $"native-{Fixture.Mode}.json");
        File.Delete(json);
        var env = new Dictionary<string, string?>
        {
            ["CB_SOAK_BASE_URL"] = S.EmulatorUrl, ["CB_SOAK_LOGIN"] = Fixture.Login, ["CB_SOAK_PASSWORD"] = S.Password,
        };
        var r = await S.Run.RunAsync($"soak, native, {Fixture.Mode}", S.Soak, [.. Fixture.ModeArgs, "--json", json], Fixture.Limit, env);
        Report(r);
        Assert.True(r.Ok, $"8 threads through libconnect_bridge.so: none lost, none duplicated ({Fixture.Mode}): {r.Describe()}\n{r.Tail()}");
        Assert.True(File.Exists(json), $"{Path.GetRelativePath(Repo.Root, json)} was written");
        File.Copy(json, Path.Combine(S.Logs, Path.GetFileName(json)), overwrite: true);
    }

    [Fact]
    public async Task DotNet_EightThreads_NoneLostNoneDuplicated()
    {
        // As tests/soak/run.sh: built into artifacts/soak/bin, run from there (its emulator in a child process).
        await S.Run.StepAsync("built tests/soak/Connect.Bridge.Soak.csproj", "dotnet", "build", "tests/soak/Connect.Bridge.Soak.csproj",
            "-c", "Release", "-o", "artifacts/soak/bin", "-v", "quiet", "-nologo", "-clp:NoSummary");
        string json = Path.Combine("artifacts", "soak", $"dotnet-{Fixture.Mode}.json");
        var r = await S.Run.RunAsync($"soak, .NET, {Fixture.Mode}", "dotnet",
            ["artifacts/soak/bin/connect-bridge-soak.dll", .. Fixture.ModeArgs, "--json", json], Fixture.Limit);
        Report(r);
        Assert.True(r.Ok, $"8 threads through the .NET API (BridgeSender): none lost, none duplicated ({Fixture.Mode}): {r.Describe()}\n{r.Tail()}");
    }

    // The program's report (sends, lost, duplicated, RSS) in the test's output, as the old script showed it.
    private static void Report(RunResult r)
    {
        foreach (var line in r.Output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0))
            TestContext.Current.TestOutputHelper?.WriteLine(line);
    }
}
