using System.Security.Cryptography;
using Connect.Bridge.Emulator;

namespace Connect.Bridge.IntegrationTests.Infrastructure;

/// <summary>
/// A suite's class fixture: a fresh work folder under artifacts/integration/&lt;name&gt; (its logs/ hold every program's
/// output), a random password that must appear in none of it, the runner, and the servers it started (stopped at the
/// end). <see cref="SetUpAsync"/> makes what every test of the suite needs; when it throws, every test fails with it.
/// </summary>
public abstract class Suite : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> owned = [];

    protected Suite(string name)
    {
        Name = name;
        Work = Path.Combine(Repo.Artifacts, "integration", name);
        if (Directory.Exists(Work)) Directory.Delete(Work, recursive: true);
        Logs = Path.Combine(Work, "logs");
        Directory.CreateDirectory(Logs);
        Password = "pw-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        Run = new Runner(name, Logs);
    }

    public string Name { get; }

    public string Work { get; }

    public string Logs { get; }

    public string Password { get; }

    public Runner Run { get; }

    protected abstract Task SetUpAsync();

    public async ValueTask InitializeAsync() => await SetUpAsync();

    public async ValueTask DisposeAsync()
    {
        for (int i = owned.Count - 1; i >= 0; i--) await owned[i].DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposed when the suite ends, after everything owned later.</summary>
    public T Own<T>(T resource) where T : IAsyncDisposable
    {
        owned.Add(resource);
        return resource;
    }

    /// <summary>An emulator on a free loopback port accepting this suite's login and password (only <paramref name="lines"/> when given).</summary>
    public async Task<EmulatorServer> EmulatorAsync(string login, params string[] lines) =>
        Own(await EmulatorServer.StartAsync(new EmulatorSettings
        {
            Login = login, Password = Password, AllowedLines = lines.Length > 0 ? lines : null,
            OnLog = line => File.AppendAllText(Path.Combine(Logs, "emulator.log"), line + "\n"),
        }));

    /// <summary>The fault server (tests/README.md: the fault matrix) and its manifest file.</summary>
    public async Task<(FaultServer Server, string Manifest)> FaultsAsync()
    {
        string manifest = Path.Combine(Work, $"faults-{Guid.NewGuid():N}.manifest");
        var server = Own(await FaultServer.StartAsync(manifest));
        return (server, manifest);
    }

    /// <summary>The one flat corpus of tests/corpus (tests/runner/corpus_flatten.py), made once per suite.</summary>
    public async Task<string> CorpusFlatAsync()
    {
        string flat = Path.Combine(Work, "corpus.flat");
        if (!File.Exists(flat))
            await Run.StepAsync("tests/corpus flattened (tests/runner/corpus_flatten.py)", "python3",
                Path.Combine(Repo.Root, "tests", "runner", "corpus_flatten.py"), flat, Path.Combine(Repo.Root, "tests", "corpus"));
        return flat;
    }

    /// <summary>dotnet build of a project into a folder of the suite's work folder.</summary>
    public Task BuildDotnetAsync(string project, string output) =>
        Run.StepAsync($"built {project}", "dotnet", "build", Path.Combine(Repo.Root, project), "-c", "Release", "-o", output,
            "-nologo", "-v", "quiet", "-clp:NoSummary");

    /// <summary>packaging/build-native.sh for the given runtime identifiers (artifacts/native/&lt;rid&gt;).</summary>
    public Task BuildNativeAsync(string rids) =>
        Run.StepAsync($"connect_bridge built for {rids} (packaging/build-native.sh)", "env", $"CB_NATIVE_RID={rids}",
            Path.Combine(Repo.Root, "packaging", "build-native.sh"));

    /// <summary>The password in no output: every log of programs, servers and builds this suite wrote.</summary>
    public void AssertPasswordInNoOutput()
    {
        // Symbolic links are not followed: a Wine prefix's dosdevices/ links to / (z:) and to devices (com1 -> /dev/ttyS0,
        // whose read never ends).
        var leaks = Directory.EnumerateFiles(Work, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Where(f => new FileInfo(f).Length < 256 << 20 && File.ReadAllText(f).Contains(Password, StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Work, f)).ToList();
        Assert.True(leaks.Count == 0, "the password was found in: " + string.Join(", ", leaks));
    }
}

/// <summary>The tests of a suite; the password check is the last of every suite (<see cref="DeclarationOrder"/>).</summary>
public abstract class SuiteTests<TSuite>(TSuite suite) where TSuite : Suite
{
    protected TSuite S { get; } = suite;

    [Fact]
    public void ThePasswordAppearsInNoOutput() => S.AssertPasswordInNoOutput();
}
