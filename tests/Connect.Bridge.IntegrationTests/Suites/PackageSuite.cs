using System.Security;
using System.Text.RegularExpressions;
using Connect.Bridge.Emulator;

namespace Connect.Bridge.IntegrationTests.Suites;

/// <summary>
/// The consumer test of the NuGet packages: packs them fresh (packaging/pack-nuget.sh), restores the consumer project
/// tests/package/Connect.Bridge.PackageTests from that folder feed (package source mapping: Connect.Bridge* only from
/// there, never nuget.org) into a private packages folder (so no earlier 1.0.0 from a cache can stand in), starts the
/// emulator on a free loopback port, and runs the consumer's xunit tests against it.
/// </summary>
public sealed partial class PackageSuite(PackageSuite.Fixture suite) : SuiteTests<PackageSuite.Fixture>(suite), IClassFixture<PackageSuite.Fixture>
{
    public sealed class Fixture() : Suite("package")
    {
        /// <summary>The consumer's appsettings.json has these (a fixture value, not a secret): the emulator takes them.</summary>
        public const string ConsumerLogin = "pkg-bot", ConsumerPassword = "pkg-Secret-42";

        public static string Project => Path.Combine(Repo.Root, "tests", "package", "Connect.Bridge.PackageTests", "Connect.Bridge.PackageTests.csproj");

        public static string Packed => Path.Combine(Repo.Artifacts, "packages");

        /// <summary>The private packages folder (NUGET_PACKAGES of the restore and the test run).</summary>
        public string Packages => Path.Combine(Work, "packages");

        public string HostingDll => Path.Combine(Work, "hosting", "Connect.Bridge.Hosting.dll");

        public string EmulatorUrl { get; private set; } = "";

        protected override async Task SetUpAsync()
        {
            await Run.StepAsync("NuGet packages packed (packaging/pack-nuget.sh)", Path.Combine(Repo.Root, "packaging", "pack-nuget.sh"));
            Directory.CreateDirectory(Packages);
            string config = Path.Combine(Work, "nuget.config");
            await File.WriteAllTextAsync(config, NugetConfig());
            var restore = await Run.RunAsync("the consumer restored from the local feed", "dotnet",
                ["restore", Project, "--configfile", config, "-nologo", "-v", "quiet"], TimeSpan.FromMinutes(20),
                new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Packages });
            if (!restore.Ok) throw new InvalidOperationException($"the consumer restored from the local feed: {restore.Describe()}\n{restore.Tail()}");
            // The contents tests compare the packed core with the hosting layer built from source.
            await BuildDotnetAsync("src/Connect.Bridge.Hosting", Path.GetDirectoryName(HostingDll)!);
            var emulator = Own(await EmulatorServer.StartAsync(new EmulatorSettings
            {
                Login = ConsumerLogin, Password = ConsumerPassword,
                OnLog = line => File.AppendAllText(Path.Combine(Logs, "emulator.log"), line + "\n"),
            }));
            EmulatorUrl = emulator.BaseUrl.ToString().TrimEnd('/');
        }

        /// <summary>
        /// Connect.Bridge* only from the local feed, the rest from nuget.org; the user's global packages folder serves as a
        /// read-only fallback unless it holds a Connect.Bridge (which could stand in for the fresh one).
        /// </summary>
        private string NugetConfig()
        {
            string global = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } g
                ? g : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            string fallback = Directory.Exists(global) && !Path.Exists(Path.Combine(global, "connect.bridge"))
                && !Path.Exists(Path.Combine(global, "connect.bridge.extensions.dependencyinjection"))
                ? $"<fallbackPackageFolders><add key=\"global\" value=\"{SecurityElement.Escape(global)}\" /></fallbackPackageFolders>" : "";
            return $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{SecurityElement.Escape(Packed)}" />
                    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
                  </packageSources>
                  <packageSourceMapping>
                    <packageSource key="local"><package pattern="Connect.Bridge" /><package pattern="Connect.Bridge.*" /></packageSource>
                    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
                  </packageSourceMapping>
                  {fallback}
                </configuration>

                """;
        }
    }

    [Theory]
    [InlineData("connect.bridge")]
    [InlineData("connect.bridge.extensions.dependencyinjection")]
    public void Restored_IsTheFreshlyPackedPackage_SameBytes(string id)
    {
        string? restored = Directory.Exists(Path.Combine(S.Packages, id))
            ? Directory.EnumerateFiles(Path.Combine(S.Packages, id), $"{id}.*.nupkg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).FirstOrDefault()
            : null;
        Assert.True(restored is not null, $"{id}: no .nupkg restored into the private packages folder {S.Packages}");
        string? packed = Directory.EnumerateFiles(Fixture.Packed)
            .FirstOrDefault(f => string.Equals(Path.GetFileName(f), Path.GetFileName(restored), StringComparison.OrdinalIgnoreCase));
        Assert.True(packed is not null, $"{id}: {Path.GetFileName(restored)} restored, but artifacts/packages has no such file (not the freshly packed one)");
        Assert.True(File.ReadAllBytes(restored).AsSpan().SequenceEqual(File.ReadAllBytes(packed)),
            $"{id}: the restored {Path.GetFileName(restored)} differs from artifacts/packages' (not the freshly packed package)");
    }

    [Fact]
    public async Task TheConsumersTests_Pass()
    {
        var env = new Dictionary<string, string?>
        {
            ["CONNECT_BRIDGE_EMULATOR_URL"] = S.EmulatorUrl, ["CONNECT_BRIDGE_PACKAGE_DIR"] = Fixture.Packed,
            ["CONNECT_BRIDGE_HOSTING_DLL"] = S.HostingDll, ["NUGET_PACKAGES"] = S.Packages,
        };
        var r = await S.Run.RunAsync("the consumer's tests (dotnet test)", "dotnet",
            ["test", Fixture.Project, "-c", "Release", "--no-restore", "-nologo", "--logger", "console;verbosity=normal"], TimeSpan.FromMinutes(20), env);
        int passed = Count(PassedLine(), r.Output), failed = Count(FailedLine(), r.Output), total = Count(TotalLine(), r.Output);
        var output = TestContext.Current.TestOutputHelper;
        foreach (string line in r.Output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.TrimStart().StartsWith("Passed ", StringComparison.Ordinal)
            || l.TrimStart().StartsWith("Failed ", StringComparison.Ordinal)))
            output?.WriteLine(line.Trim());
        // The consumer's tests are its cases (artifacts/integration/cases.tsv), like a counted program's.
        CaseCounts.Add(S.Name, "consumer tests (dotnet test)", new Counted(r, passed, failed, r.Ok && passed > 0));
        Assert.True(r.Ok && passed > 0 && failed == 0,
            $"the consumer's tests (dotnet test): {r.Describe()}, {total} tests, {passed} passed, {failed} failed:\n{r.Tail(40)}");
        output?.WriteLine($"# the consumer's tests: {passed} of {total} passed");
    }

    /// <summary>The old suite's password check was on the consumer's password (its own tests check its logs too).</summary>
    [Fact]
    public void TheConsumersPasswordAppearsInNoOutput()
    {
        var leaks = Directory.EnumerateFiles(S.Logs)
            .Where(f => File.ReadAllText(f).Contains(Fixture.ConsumerPassword, StringComparison.Ordinal)).Select(Path.GetFileName).ToList();
        Assert.True(leaks.Count == 0, "the consumer's password was found in: " + string.Join(", ", leaks));
    }

    private static int Count(Regex line, string output) =>
        line.Match(output) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"^\s*Passed:\s*(\d+)", RegexOptions.Multiline)]
    private static partial Regex PassedLine();

    [GeneratedRegex(@"^\s*Failed:\s*(\d+)", RegexOptions.Multiline)]
    private static partial Regex FailedLine();

    [GeneratedRegex(@"^\s*Total tests:\s*(\d+)", RegexOptions.Multiline)]
    private static partial Regex TotalLine();
}
