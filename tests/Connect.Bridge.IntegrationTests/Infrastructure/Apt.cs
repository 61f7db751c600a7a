namespace Connect.Bridge.IntegrationTests.Infrastructure;

/// <summary>Debian packages a suite needs: installed with apt-get when missing (as root, as CI runs), else a clear failure.</summary>
public static class Apt
{
    /// <summary>Each need is "command:package package", e.g. "gcc:gcc libc6-dev".</summary>
    public static async Task NeedAsync(Runner run, params string[] needs)
    {
        var missing = needs.Where(n => !OnPath(n.Split(':')[0])).SelectMany(n => n.Split(':')[1].Split(' ')).ToList();
        if (missing.Count == 0) return;
        if (!Repo.IsRoot)
            throw new InvalidOperationException($"missing {string.Join(' ', missing)}: install them (apt-get install {string.Join(' ', missing)}) or run as root");
        var env = new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        // An index that fails to refresh (the i386 security one) is tolerated: the install below is what has to work.
        await run.RunAsync("apt-get update", "apt-get", ["-o", "DPkg::Lock::Timeout=900", "update", "-qq"], TimeSpan.FromMinutes(10), env);
        var r = await run.RunAsync($"apt-get install {string.Join(' ', missing)}", "apt-get",
            ["-o", "DPkg::Lock::Timeout=900", "install", "-y", "-qq", "--no-install-recommends", .. missing], TimeSpan.FromMinutes(15), env);
        if (!r.Ok) throw new InvalidOperationException($"apt-get install {string.Join(' ', missing)}: {r.Describe()}\n{r.Tail(10)}");
    }

    public static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, command)));
}
