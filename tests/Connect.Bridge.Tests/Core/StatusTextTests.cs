namespace Connect.Bridge.Tests.Core;

/// <summary>The core side of the native cb_status_text and cb_version_number (the C harness checks the exports).</summary>
public class StatusTextTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ru")]
    [InlineData(" RU ")]
    public void Null_empty_and_ru_are_Russian(string? language) =>
        Assert.Equal("HTTP 403: недостаточно прав.", BridgeErrors.StatusText(403, language));

    [Theory]
    [InlineData("de")]
    [InlineData("english")]
    [InlineData("r u")]
    public void Other_languages_have_no_text(string language) => Assert.Null(BridgeErrors.StatusText(200, language));

    [Theory]
    [InlineData(0, "Success: the setting was accepted.")]
    [InlineData(-1, "Invalid argument or option; nothing was sent.")]
    [InlineData(-5, "Connect.Bridge internal error.")]
    [InlineData(-6, "-6 is not a Connect.Bridge status code.")]
    [InlineData(201, "HTTP 201: success.")]
    [InlineData(429, "HTTP 429: too many requests, try again later.")]
    [InlineData(500, "HTTP 500: server error.")]
    [InlineData(418, "HTTP 418: the server rejected the request.")]
    [InlineData(600, "HTTP 600: the server rejected the request.")]
    public void Each_code_gets_its_generic_meaning(int status, string expected) =>
        Assert.Equal(expected, BridgeErrors.StatusText(status, "en"));

    [Fact]
    public void An_HTTP_status_reads_as_the_send_text_without_the_server_part() =>
        Assert.Equal(Texts.HttpError(401, null, ErrorLanguage.English), BridgeErrors.StatusText(401, "en"));

    [Fact]
    public void The_used_after_fork_text_is_a_refusal_that_says_exec_first()
    {
        SendOutcome outcome = BridgeErrors.UsedAfterFork(ErrorLanguage.English);
        Assert.Equal(BridgeStatus.InvalidArgument, outcome.Status);
        Assert.Equal("Invalid use: the library was already in use in the parent process before fork(); use it only in the process "
            + "that loaded it, and in a child process exec first. Nothing was sent.", outcome.ErrorText);
    }

    [Fact]
    public void The_version_number_encodes_the_version_as_SQLite_does()
    {
        int[] parts = BridgeInfo.Version.Split('.').Select(int.Parse).ToArray();
        Assert.Equal(parts[0] * 1_000_000 + parts[1] * 1_000 + parts[2], BridgeInfo.VersionNumber);
        Assert.True(BridgeInfo.VersionNumber >= 1_000_000);
    }
}
