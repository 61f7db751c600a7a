using System.Text.RegularExpressions;
using CliWrap;

namespace Connect.Bridge.IntegrationTests.Infrastructure;

/// <summary>What one program run gave; <see cref="ExitCode"/> is -1 when it was stopped at its time limit.</summary>
public sealed record RunResult(string Label, int ExitCode, bool TimedOut, string Output, string Error)
{
    public bool Ok => ExitCode == 0 && !TimedOut;

    /// <summary>The last lines of both outputs, for a failure message.</summary>
    public string Tail(int lines = 25) =>
        string.Join('\n', (Output + "\n" + Error).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).TakeLast(lines));

    public string Describe() => TimedOut ? "stopped at its time limit" : $"exit {ExitCode}";
}

/// <summary>
/// A program whose output ends with "N passed, N failed" (a test program, or the runner core over cases). It ran to the
/// end when that line is there, something passed, and the exit code agrees (0 with nothing failed, non-zero with failures).
/// </summary>
public sealed partial record Counted(RunResult Run, int Passed, int Failed, bool RanToEnd)
{
    public static Counted Parse(RunResult run)
    {
        string last = run.Output.Split('\n').Select(l => l.TrimEnd('\r')).LastOrDefault(l => l.Length > 0) ?? "";
        var m = Closing().Match(last);
        if (!m.Success || run.TimedOut) return new Counted(run, 0, 0, false);
        int passed = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), failed = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        bool agrees = run.ExitCode == 0 ? failed == 0 : failed != 0;
        return new Counted(run, passed, failed, passed > 0 && agrees);
    }

    /// <summary>Fails the test unless the program ran to the end with nothing failed, naming what failed or what was running.</summary>
    public Counted AssertPassed()
    {
        if (RanToEnd && Failed == 0) return this;
        var lines = Run.Output.Split('\n').Select(l => l.TrimEnd('\r'));
        var failures = lines.Where(l => l.StartsWith("FAIL ", StringComparison.Ordinal)).Take(40).ToList();
        string running = Run.Error.Split('\n').Select(l => l.TrimEnd('\r')).LastOrDefault(l => l.StartsWith("running ", StringComparison.Ordinal)) ?? "";
        string why = RanToEnd
            ? $"{Failed} of {Passed + Failed} failed:\n" + string.Join('\n', failures)
            : $"did not run to the end ({Run.Describe()}){(running.Length > 0 ? $"; last started: {running[8..]}" : "")}:\n{Run.Tail()}";
        Assert.Fail($"[{Run.Label}] {why}");
        return this;
    }

    [GeneratedRegex(@"^(\d+) passed, (\d+) failed$")]
    private static partial Regex Closing();
}

/// <summary>
/// Runs the suite's programs as real processes (CliWrap): stdin closed, a time limit (the process tree is killed at it),
/// both outputs captured as UTF-8 and written to the suite's log folder, which the password scan reads.
/// </summary>
public sealed class Runner(string suite, string logs)
{
    private int count;

    /// <summary>Set for every program of the suite (null removes a variable).</summary>
    public Dictionary<string, string?> Environment { get; } = new()
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1", ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["WINEDEBUG"] = "-all", ["DISPLAY"] = null, ["WAYLAND_DISPLAY"] = null,
    };

    public async Task<RunResult> RunAsync(string label, string program, IEnumerable<string> args, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null, string? directory = null)
    {
        var env = new Dictionary<string, string?>(Environment);
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>()) env[k] = v;
        var output = new StringBuilder();
        var error = new StringBuilder();
        var argv = args.ToList();
        var command = Cli.Wrap(program).WithArguments(argv).WithEnvironmentVariables(env)
            .WithValidation(CommandResultValidation.None).WithStandardInputPipe(PipeSource.Null)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output, Encoding.UTF8))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(error, Encoding.UTF8))
            .WithWorkingDirectory(directory ?? Repo.Root);
        int exit = -1;
        bool timedOut = false;
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            exit = (await command.ExecuteAsync(limit.Token)).ExitCode;
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
        }
        var result = new RunResult(label, exit, timedOut, output.ToString(), error.ToString());
        string name = string.Concat(label.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-'));
        await File.WriteAllTextAsync(Path.Combine(logs, $"{Interlocked.Increment(ref count):D3}-{name}.log"),
            $"$ {program} {string.Join(' ', argv)}\n# {result.Describe()}\n--- stdout\n{result.Output}\n--- stderr\n{result.Error}");
        return result;
    }

    /// <summary>A build or setup step the rest depends on: its failure throws with the log's tail.</summary>
    public async Task<RunResult> StepAsync(string name, string program, params string[] args)
    {
        var r = await RunAsync(name, program, args, TimeSpan.FromMinutes(25));
        if (!r.Ok) throw new InvalidOperationException($"{name}: {r.Describe()}\n{r.Tail()}");
        return r;
    }

    /// <summary>A program ending with "N passed, N failed": its lines go to the test's output, its counts to the cases table; fails unless all passed.</summary>
    public async Task<Counted> CountedAsync(string label, string program, IEnumerable<string> args, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var counted = Counted.Parse(await RunAsync(label, program, args, timeout, environment));
        var output = TestContext.Current.TestOutputHelper;
        foreach (var line in counted.Run.Output.Split('\n').Select(l => l.TrimEnd('\r')))
            if (line.StartsWith("PASS ", StringComparison.Ordinal) || line.StartsWith("FAIL ", StringComparison.Ordinal)
                || line.StartsWith("N/A ", StringComparison.Ordinal) || line.StartsWith("# ", StringComparison.Ordinal))
                output?.WriteLine(line);
        CaseCounts.Add(suite, label, counted);
        return counted.AssertPassed();
    }
}

/// <summary>
/// The checks made inside the programs, per suite and program (artifacts/integration/cases.tsv): an xunit test that runs
/// a program counts once, its program's own cases are counted here, and ./build.sh test prints the totals.
/// </summary>
public static class CaseCounts
{
    private static readonly Lock Gate = new();

    public static string File => Path.Combine(Repo.Artifacts, "integration", "cases.tsv");

    public static void Add(string suite, string label, Counted c)
    {
        lock (Gate)
            System.IO.File.AppendAllText(File, $"{suite}\t{label}\t{c.Passed}\t{c.Failed}\t{(c.RanToEnd ? "end" : "broken")}\n");
    }
}
