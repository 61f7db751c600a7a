using Connect.Bridge.PageTests.Cdp;

namespace Connect.Bridge.PageTests;

/// <summary>One headless Chromium for all page tests (they run one after another), with one page driven over DevTools.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private ChromiumProcess? chromium;

    public CdpSession Page { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // tests/page/run.sh installs Chromium or skips with a reason before these run; here a missing browser is a failure.
        string executable = ChromiumProcess.FindExecutable()
            ?? throw new InvalidOperationException(
                "Chromium not found (CHROMIUM_PATH or /usr/bin/chromium). Run tests/page/run.sh, which installs Debian's chromium package.");
        chromium = await ChromiumProcess.StartAsync(executable);
        Page = await CdpSession.ConnectToPageAsync(chromium.DevToolsPort);
    }

    public async Task DisposeAsync()
    {
        if (Page is not null) await Page.DisposeAsync();
        chromium?.Dispose();
    }
}
