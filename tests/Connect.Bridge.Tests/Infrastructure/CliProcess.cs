using System.Diagnostics;

namespace Connect.Bridge.Tests.Infrastructure;

/// <summary>Runs the connect-bridge CLI (copied beside the tests) as a real process; every output is captured for the secrets check.</summary>
public static class CliProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "connect-bridge.dll");

    public static (int Exit, string Out, string Err) Run(params string[] args) => Run(args, new Dictionary<string, string>());

    /// <summary>Runs the CLI with extra environment variables (e.g. a proxy).</summary>
    public static (int Exit, string Out, string Err) Run(string[] args, IReadOnlyDictionary<string, string> environment) =>
        Program("dotnet", [Dll, .. args], environment);

    /// <summary>Runs the CLI through bash (the script gets the CLI's path as $0), so a test can close or redirect its outputs and pass raw bytes.</summary>
    public static (int Exit, string Out, string Err) Shell(string script) =>
        Program("bash", ["-c", script, Dll], new Dictionary<string, string>());

    private static (int Exit, string Out, string Err) Program(string file, string[] args, IReadOnlyDictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("CONNECT_LOGIN");
        psi.Environment.Remove("CONNECT_PASSWORD");
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException("connect-bridge did not exit"); }
        SecretWatch.Capture("CLI stdout", stdout.Result);
        SecretWatch.Capture("CLI stderr", stderr.Result);
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
