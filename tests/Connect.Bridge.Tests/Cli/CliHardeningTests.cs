namespace Connect.Bridge.Tests.Cli;

/// <summary>Issue 10, items 8 and 10: exit codes per the README table, closed outputs, emulator arguments, invalid UTF-8 in argv.</summary>
public class CliHardeningTests
{
    [Theory] // failed before: these exited 1 ("HTTP error")
    [InlineData("send --user " + TestData.UserId + " --text x", "'--line'")]
    [InlineData("bogus", "'bogus'")]
    [InlineData("send --line " + TestData.LineId + " --user " + TestData.UserId + " --text x --nope", "'--nope'")]
    [InlineData("emulator --port abc", "'abc'")]
    [InlineData("emulator --port ''", "--port")]
    public void Parse_errors_exit_2(string args, string named)
    {
        var (exit, _, err) = CliProcess.Shell($"dotnet \"$0\" {args}");
        Assert.Equal(2, exit);
        Assert.Contains(named, err);
    }

    [Theory] // failed before: a stack trace, exit 134 / 1
    [InlineData("--port 65536", "the port 65536 is outside 0..65535")]
    [InlineData("--port -1", "the port -1 is outside 0..65535")]
    [InlineData("--lines nonsense", "the allowed line \"nonsense\" is not a UUID")]
    public void Emulator_arguments_out_of_range_give_a_clear_error(string args, string expected)
    {
        var (exit, _, err) = CliProcess.Shell($"dotnet \"$0\" emulator {args}");
        Assert.Equal(2, exit);
        Assert.Equal($"emulator: {expected}", err.Split('\n')[0].Split(" (")[0].TrimEnd('.'));
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public async Task Emulator_on_a_port_in_use_exits_3_without_a_stack_trace()
    {
        await using var busy = await TestData.StartEmulatorAsync();
        var (exit, _, err) = CliProcess.Shell($"dotnet \"$0\" emulator --port {busy.Port}");
        Assert.Equal(3, exit);
        Assert.StartsWith("emulator: ", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Theory] // failed before: the delivered message exited 1 (a retrying wrapper would send it twice)
    [InlineData(">&-")]
    [InlineData(">/dev/full")]
    public async Task A_delivered_message_exits_0_whatever_stdout_does(string redirect)
    {
        await using var emulator = await TestData.StartEmulatorAsync();
        var (exit, _, err) = CliProcess.Shell($"dotnet \"$0\" send --line {TestData.LineId} --user {TestData.UserId} --text x " +
            $"--base-url {emulator.BaseUrl} --login {TestData.Login} --password {TestData.Password} {redirect}");
        Assert.Equal(0, exit);
        Assert.Equal("", err);
        Assert.Single(emulator.Calls);
    }

    [Fact] // failed before: abort (134)
    public void An_error_with_stderr_closed_keeps_its_exit_code()
    {
        var (exit, _, _) = CliProcess.Shell($"dotnet \"$0\" send --line {TestData.LineId} --user {TestData.UserId} --text x " +
            "--base-url http://127.0.0.1:9/ --login bot --password p --max-retries 0 2>&-");
        Assert.Equal(3, exit);
    }

    [Theory] // failed before: U+FFFD was sent
    [InlineData("--text", "--text \"$(printf 'a\\xff')\"")]
    [InlineData("--user", "--user \"$(printf '\\xc3\\x28')\"")]
    public async Task Invalid_utf8_in_argv_is_refused_naming_the_argument(string name, string bad)
    {
        await using var emulator = await TestData.StartEmulatorAsync();
        string line = name == "--user" ? "" : $"--user {TestData.UserId}";
        string text = name == "--text" ? "" : "--text x";
        var (exit, _, err) = CliProcess.Shell($"dotnet \"$0\" send --line {TestData.LineId} {line} {text} {bad} --language en " +
            $"--base-url {emulator.BaseUrl} --login {TestData.Login} --password {TestData.Password}");
        Assert.Equal(2, exit);
        Assert.Equal($"-1 Invalid argument: {name} is not a well-formed UTF-8/UTF-16 string.", err.Trim());
        Assert.Equal(0L, emulator.RequestCount);
    }
}
