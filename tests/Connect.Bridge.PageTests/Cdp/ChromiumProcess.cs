using System.Diagnostics;

namespace Connect.Bridge.PageTests.Cdp;

/// <summary>
/// Debian's headless Chromium with a fresh profile and a DevTools port on loopback; killed with its profile on dispose.
/// </summary>
public sealed class ChromiumProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process process;
    private readonly string profile;

    private ChromiumProcess(Process process, string profile, int port)
    {
        this.process = process;
        this.profile = profile;
        DevToolsPort = port;
    }

    public int DevToolsPort { get; }

    /// <summary>The browser binary: CHROMIUM_PATH, else /usr/bin/chromium; null when neither exists.</summary>
    public static string? FindExecutable()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CHROMIUM_PATH");
        if (!string.IsNullOrEmpty(fromEnvironment) && File.Exists(fromEnvironment)) return fromEnvironment;
        return File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : null;
    }

    public static async Task<ChromiumProcess> StartAsync(string executable)
    {
        string profile = Directory.CreateTempSubdirectory("page-chromium-").FullName;
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-default-apps", "--disable-extensions", "--mute-audio",
                     $"--user-data-dir={profile}", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                     "--window-size=1280,900", "about:blank",
                 })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Chromium did not start.");
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        // Chromium writes the port it bound into the profile once DevTools listens.
        string portFile = Path.Combine(profile, "DevToolsActivePort");
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) break;
            if (File.Exists(portFile))
            {
                var lines = await File.ReadAllLinesAsync(portFile);
                if (lines.Length >= 1 && int.TryParse(lines[0], out int port) && port > 0)
                {
                    return new ChromiumProcess(process, profile, port);
                }
            }

            await Task.Delay(100);
        }

        string log;
        lock (stderr) log = stderr.ToString();
        Kill(process);
        TryDelete(profile);
        throw new InvalidOperationException($"Chromium exposed no DevTools port within {StartTimeout.TotalSeconds} s. Its stderr:\n{log}");
    }

    public void Dispose()
    {
        Kill(process);
        process.Dispose();
        TryDelete(profile);
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A renderer may still hold a file for a moment; the temp dir is cleaned by the system later.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
