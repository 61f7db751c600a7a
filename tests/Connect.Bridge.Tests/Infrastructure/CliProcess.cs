using System.Diagnostics;

namespace Connect.Bridge.Tests.Infrastructure;

/// <summary>Runs the connect-bridge CLI (copied beside the tests) as a real process; every output is captured for the secrets check.</summary>
public static class CliProcess
{
    public static (int Exit, string Out, string Err) Run(params string[] args) => Run(args, new Dictionary<string, string>());

    /// <summary>Runs the CLI with extra environment variables (e.g. a proxy).</summary>
    public static (int Exit, string Out, string Err) Run(string[] args, IReadOnlyDictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "connect-bridge.dll"));
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
