namespace Connect.Bridge.IntegrationTests.Suites;

/// <summary>
/// Run once by ./build.sh test before the Wine suites (COM, the Windows DLL, the bundles): finds where 32-bit x86 runs
/// (tests/wine/x86.sh: natively, by emulation set up here, or not at all), installs Wine (tests/wine/install.sh), and
/// boots ONE 64-bit (WoW64) prefix at artifacts/wine/prefix that the suites copy instead of booting their own (wineboot
/// is the slow part, most of all under emulation). In CI (CI set) x86 that cannot run is a failure.
/// </summary>
public sealed class WineSetupSuite(WineSetupSuite.Fixture suite) : SuiteTests<WineSetupSuite.Fixture>(suite), IClassFixture<WineSetupSuite.Fixture>
{
    public sealed class Fixture() : Suite("wine-setup")
    {
        public WineMachine Machine { get; private set; } = null!;

        protected override async Task SetUpAsync() => Machine = await WineMachine.PrepareAsync(Run);
    }

    [Fact]
    public void WineIsInstalled_StartedAsWine64()
    {
        Assert.True(File.Exists(WineMachine.Wine64), WineMachine.Wine64 + " is missing");
        TestContext.Current.TestOutputHelper?.WriteLine($"# {S.Machine.Version}; {S.Machine.X86Line}");
    }

    [Fact]
    public void X86Runs_NativelyOrByEmulation() => S.Machine.RequireArch("x86");

    [Fact]
    public async Task OnePrefixForTheWineSuites()
    {
        if (Directory.Exists(WinePrefix.Template)) Directory.Delete(WinePrefix.Template, recursive: true);
        var prefix = await WinePrefix.BootAsync(S, S.Machine, WinePrefix.Template, fresh: true);
        Assert.True(File.Exists(Path.Combine(prefix.DriveC, "windows", "system32", "kernel32.dll")), "system32 is empty");
        if (S.Machine.X86Runs)
            Assert.True(File.Exists(Path.Combine(prefix.DriveC, "windows", "syswow64", "kernel32.dll")), "syswow64 is empty: 32-bit programs did not run");
    }
}
