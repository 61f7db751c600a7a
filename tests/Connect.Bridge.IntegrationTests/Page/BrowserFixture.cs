using System.Collections.Concurrent;
using PuppeteerSharp;

namespace Connect.Bridge.IntegrationTests.Page;

/// <summary>
/// One headless Chromium (Debian's, never a downloaded one) for all page tests, launched by PuppeteerSharp with a fresh
/// profile; each test opens its own page with <see cref="OpenPageAsync"/>.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IBrowser? browser;

    /// <summary>Why the page tests are skipped here (no Chromium, and no way to install it); null when the browser runs.</summary>
    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        string? executable = await FindOrInstallAsync();
        if (executable is null) return;
        browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Browser = SupportedBrowser.Chromium,
            DefaultViewport = new ViewPortOptions { Width = 1280, Height = 900 },
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--mute-audio",
            ],
        });
    }

    /// <summary>A new page whose script errors, dialogs (dismissed at once) and requested URLs are kept for assertions.</summary>
    public async Task<ObservedPage> OpenPageAsync()
    {
        var page = await browser!.NewPageAsync();
        var observed = new ObservedPage(page);
        page.PageError += (_, e) => observed.Exceptions.Enqueue(e.Message);
        page.Dialog += async (_, e) =>
        {
            observed.Dialogs.Enqueue(e.Dialog.Message);
            // Dismiss it, so a test that caught a script running fails on its assertion instead of hanging.
            await e.Dialog.Dismiss();
        };
        page.Request += (_, e) => observed.RequestedUrls.Enqueue(e.Request.Url);
        return observed;
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
    }

    /// <summary>Skips the calling test when the browser could not be had here (<see cref="SkipReason"/>).</summary>
    public void SkipUnlessLaunched()
    {
        if (SkipReason is not null) Assert.Skip(SkipReason);
    }

    /// <summary>
    /// Debian's chromium, installed (apt-get, as root) when missing. Missing and not installable: a failure in CI (CI set)
    /// or as root, else null with <see cref="SkipReason"/> (the page tests skip with it).
    /// </summary>
    private async Task<string?> FindOrInstallAsync()
    {
        string? executable = FindExecutable();
        string installFailure = "";
        if (executable is null && Repo.IsRoot && Apt.OnPath("apt-get"))
        {
            string logs = Path.Combine(Repo.Artifacts, "integration", "page", "logs");
            Directory.CreateDirectory(logs);
            try
            {
                await Apt.NeedAsync(new Runner("page", logs), "chromium:chromium");
            }
            catch (InvalidOperationException e)
            {
                installFailure = " (" + e.Message + ")";
            }
            executable = FindExecutable();
        }
        if (executable is not null) return executable;
        if (Repo.InCi || Repo.IsRoot)
            throw new InvalidOperationException($"chromium is not installed and could not be installed: the page tests cannot run{installFailure}");
        SkipReason = "page tests: chromium is not installed and installing it needs root (apt-get install chromium)";
        return null;
    }

    /// <summary>The browser binary: CHROMIUM_PATH, else /usr/bin/chromium, each when executable; null when neither is.</summary>
    private static string? FindExecutable()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CHROMIUM_PATH");
        if (!string.IsNullOrEmpty(fromEnvironment) && IsExecutable(fromEnvironment)) return fromEnvironment;
        return IsExecutable("/usr/bin/chromium") ? "/usr/bin/chromium" : null;
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}

/// <summary>A Puppeteer page and what it reported: uncaught script errors, dialogs, every URL it requested.</summary>
public sealed class ObservedPage(IPage page)
{
    public IPage Page { get; } = page;

    public ConcurrentQueue<string> Exceptions { get; } = new();

    public ConcurrentQueue<string> Dialogs { get; } = new();

    public ConcurrentQueue<string> RequestedUrls { get; } = new();

    public Task<T> EvaluateAsync<T>(string expression) => Page.EvaluateExpressionAsync<T>(expression);

    public Task EvaluateAsync(string expression) => Page.EvaluateExpressionAsync(expression);

    /// <summary>Waits until a JavaScript expression holds; fails naming <paramref name="what"/> when it never does.</summary>
    public async Task WaitForAsync(string condition, string what)
    {
        try
        {
            await Page.WaitForExpressionAsync(condition, new WaitForFunctionOptions { Timeout = 15_000, PollingInterval = 50 });
        }
        catch (WaitTaskTimeoutException e)
        {
            throw new TimeoutException($"The page never showed: {what} (condition: {condition})", e);
        }
    }
}
