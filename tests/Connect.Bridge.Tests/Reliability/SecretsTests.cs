using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Connect.Bridge.Tests.Reliability;

/// <summary>
/// The password (a unique marker, <see cref="TestData.Password"/>) must appear in no log line, error text, server text,
/// response body or CLI output. Runs the leak-prone paths itself, each capture asserted at once; the scan of everything
/// the suite captured runs after the last test (<see cref="SecretsScan"/>), whatever the scheduling order.
/// </summary>
public class SecretsFinalCheck
{
    [Fact]
    public async Task The_password_appears_in_none_of_the_leak_prone_paths()
    {
        int before = SecretWatch.Count;
        await LeakPronePathsAsync(); // every SecretWatch.Capture asserts the text it records
        Assert.True(SecretWatch.Count > before, "the leak-prone paths captured nothing");
    }

    /// <summary>The scan itself finds a planted leak (so the final scan is not vacuous), naming the source, not the text.</summary>
    [Fact]
    public void The_scan_finds_a_leak_and_names_its_source()
    {
        Assert.Null(SecretWatch.Leaks("login bot, password ******"));
        Assert.Equal(TestData.Password, SecretWatch.Leaks("x " + TestData.Password + " y"));
        Assert.Equal(SecretWatch.Markers[1], SecretWatch.Leaks("Basic " + SecretWatch.Markers[1]));
    }

    /// <summary>The paths where a password could plausibly escape: echoed by the server, in a bad option, through a proxy, in the CLI.</summary>
    private static async Task LeakPronePathsAsync()
    {
        string echo = $$"""{"error":"login bot password {{TestData.Password}} token {{SecretWatch.Markers[1]}}"}""";

        // The server echoes the password and its Basic token in the error, for every status family.
        foreach (int status in new[] { 400, 401, 403, 429, 500, 503 })
        {
            await using var server = new RawHttpServer(RawReply.Status(status, echo));
            var log = TestLog.Create();
            using var client = new ConnectClient(TestData.Options(server.BaseUrl, log, english: status % 2 == 0));
            SecretWatch.Capture($"echo {status} async", await client.TrySendMessageAsync(TestData.Message()));
            SecretWatch.Capture($"echo {status} sync", client.TrySendMessage(TestData.Message()));
            var thrown = await Assert.ThrowsAsync<ConnectBridgeException>(() => client.SendMessageAsync(TestData.Message()));
            SecretWatch.Capture($"echo {status} exception", thrown.ToString());
        }

        // The password itself is the bad option (control characters, lone surrogate), on the sender the adapters wrap.
        foreach (string bad in new[] { TestData.Password + "\r\nX-Evil: 1", TestData.Password + "\ud800", "\t" + TestData.Password })
        {
            using var sender = new BridgeSender();
            sender.Set(SenderSetting.BaseUrl, "http://127.0.0.1:9/");
            sender.Set(SenderSetting.Login, TestData.Login);
            sender.Set(SenderSetting.Password, bad);
            SecretWatch.Capture("bad password option", sender.Send(TestData.LineId, TestData.UserId, "x"));
            SecretWatch.Capture("bad password option, last outcome", sender.LastOutcome);
        }

        // The password as the proxy password too, through a "proxy" that always answers 407.
        await using (var proxy = new RawHttpServer(RawReply.Status(407, echo, "Proxy-Authenticate: Basic realm=\"p\"")))
        {
            var options = TestData.Options("http://127.0.0.1:9/", TestLog.Create());
            options.ProxyUrl = proxy.BaseUrl;
            options.ProxyLogin = "proxy-user";
            options.ProxyPassword = TestData.Password;
            using var client = new ConnectClient(options);
            SecretWatch.Capture("proxy 407", await client.TrySendMessageAsync(TestData.Message()));
        }

        // The CLI, given the password on the command line, against a server that echoes it.
        await using (var server = new RawHttpServer(RawReply.Status(401, echo)))
        {
            var (exit, stdout, stderr) = CliProcess.Run("send", "--line", TestData.LineId, "--user", TestData.UserId, "--text", "x",
                "--base-url", server.BaseUrl, "--login", TestData.Login, "--password", TestData.Password, "--language", "en");
            Assert.Equal(1, exit);
            SecretWatch.Capture("CLI stdout", stdout);
            SecretWatch.Capture("CLI stderr", stderr);
            Assert.StartsWith("401 HTTP 401", stderr);
        }
    }
}
