using System.Collections.Concurrent;
using PuppeteerSharp;

namespace Connect.Bridge.PageTests;

/// <summary>
/// One headless Chromium (Debian's, never a downloaded one) for all page tests, launched by PuppeteerSharp with a fresh
/// profile; each test opens its own page with <see cref="OpenPageAsync"/>.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IBrowser? browser;

    public async ValueTask InitializeAsync()
    {
        // tests/page/run.sh installs Chromium or skips with a reason before these run; here a missing browser is a failure.
        string executable = FindExecutable()
            ?? throw new InvalidOperationException(
                "Chromium not found (CHROMIUM_PATH or /usr/bin/chromium). Run tests/page/run.sh, which installs Debian's chromium package.");
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

    /// <summary>The browser binary: CHROMIUM_PATH, else /usr/bin/chromium; null when neither exists.</summary>
    private static string? FindExecutable()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CHROMIUM_PATH");
        if (!string.IsNullOrEmpty(fromEnvironment) && File.Exists(fromEnvironment)) return fromEnvironment;
        return File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : null;
    }
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
