using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Connect.Bridge.Tests.Cli;

/// <summary><c>connect-bridge demo --keep</c>: after the three sends the emulator stays up and serves its chat page.</summary>
public partial class DemoKeepTests
{
    private const int SigTerm = 15;

    [Fact]
    public async Task Demo_keep_prints_the_page_address_serves_the_page_and_stops_on_SIGTERM()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "connect-bridge.dll"));
        foreach (var a in new[] { "demo", "--keep", "--language", "en" }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? url = null;
            var seen = new List<string>();
            while (url is null)
            {
                string line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException("demo --keep exited early: " + string.Join("\n", seen) + await stderr);
                seen.Add(line);
                if (OpenLine().Match(line) is { Success: true } match) url = match.Groups[1].Value;
            }

            Assert.Contains(seen, line => line.StartsWith("Chat page (what the line's user sees): " + url, StringComparison.Ordinal));
            Assert.Contains("Demo finished: all three outcomes as expected.", seen);
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
            string page = await http.GetStringAsync("/", timeout.Token);
            Assert.Contains("/emulator/page/app.js", page);
            string events = await http.GetStringAsync("/emulator/events", timeout.Token);
            Assert.Contains("Здравствуйте! Ваше обращение принято.", events);
            Assert.Contains("\"status\":401", events);
            var stdoutRest = process.StandardOutput.ReadToEndAsync();

            Assert.Equal(0, Kill(process.Id, SigTerm));
            Assert.True(process.WaitForExit(20_000), "demo --keep did not stop on SIGTERM");
            Assert.Equal(0, process.ExitCode);
            SecretWatch.Capture("CLI stdout", string.Join("\n", seen) + await stdoutRest);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            SecretWatch.Capture("CLI stderr", await stderr);
        }
    }

    [GeneratedRegex(@"^Open (http://127\.0\.0\.1:\d+/) in a browser")]
    private static partial Regex OpenLine();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
