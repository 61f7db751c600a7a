using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Testing;

namespace Connect.Bridge.Tests.Core;

/// <summary>Every status path over real HTTP on loopback: the emulator, and a raw-socket server for the faults.</summary>
public class ClientWireTests
{
    private static LineMessage Message(string text = "Здравствуйте") => new(TestData.LineId, TestData.UserId, text);

    private static void NoSecret(SendOutcome outcome, FakeLogger? log = null)
    {
        SecretWatch.Capture("client wire outcome", outcome);
        foreach (var line in log?.Lines() ?? Enumerable.Empty<string>())
        {
            SecretWatch.Capture("client wire log", line);
            Assert.DoesNotContain("Basic ", line);
        }
    }

    [Fact]
    public async Task Success_sends_the_exact_request()
    {
        await using var emulator = await TestData.StartEmulatorAsync();
        var log = TestLog.Create();
        using var client = new ConnectClient(TestData.Options(emulator.BaseUrl.ToString(), log));
        var message = Message("Текст сообщения") with { Keyboard = Keyboard.Parse("Да|Нет\nПозвать оператора"), AuthorId = "5F0DDFD1-6D9C-4E25-9BCA-C7FF0FD83C45" };
        var outcome = await client.SendMessageAsync(message);
        Assert.Equal(200, outcome.Status);
        Assert.True(outcome.IsSuccess);
        Assert.Equal("", outcome.ErrorText);
        var call = Assert.Single(emulator.Calls);
        Assert.Equal("Текст сообщения", call.Text);
        Assert.Equal("5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c45", call.AuthorId);
        Assert.Equal(["Да", "Нет"], call.Keyboard![0].Select(b => b.Text));
        Assert.Equal("application/json; charset=utf-8", call.ContentType);
        Assert.Equal("application/json", call.Accept);
        Assert.Equal("Basic", call.AuthorizationScheme);
        var line = Assert.Single(log.Lines());
        Assert.Contains("/v1/line/send/message/", line);
        Assert.Contains("200", line);
        Assert.Contains("attempt 1", line);
        NoSecret(outcome, log);
    }

    [Fact]
    public async Task Sync_send_and_drop_keyboard()
    {
        await using var emulator = await TestData.StartEmulatorAsync();
        using var client = new ConnectClient(TestData.Options(emulator.BaseUrl.ToString()));
        Assert.Equal(200, client.SendMessage(Message()).Status);
        Assert.Equal(200, client.DropKeyboard(TestData.LineId.ToUpperInvariant(), TestData.UserId).Status);
        Assert.Equal(["message", "drop_keyboard"], emulator.Calls.Select(c => c.Kind));
        Assert.Equal(TestData.LineId, emulator.Calls[1].LineId);
    }

    [Fact]
    public async Task Drop_keyboard_async()
    {
        await using var emulator = await TestData.StartEmulatorAsync();
        using var client = new ConnectClient(TestData.Options(emulator.BaseUrl.ToString()));
        Assert.Equal(200, (await client.DropKeyboardAsync(TestData.LineId, TestData.UserId)).Status);
        Assert.Equal("""{"line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44","user_id":"df4cca69-ce40-472e-9083-af9b279c72cc"}""", Assert.Single(emulator.Calls).RawBody);
    }

    [Fact]
    public async Task Wrong_password_is_401_with_the_documented_meaning()
    {
        await using var emulator = await TestData.StartEmulatorAsync();
        var options = TestData.Options(emulator.BaseUrl.ToString(), english: true);
        options.Password = "wrong";
        using var client = new ConnectClient(options);
        var outcome = await client.TrySendMessageAsync(Message());
        NoSecret(outcome);
        Assert.Equal(401, outcome.Status);
        Assert.StartsWith("HTTP 401: the user is not authorised", outcome.ErrorText);
        Assert.Equal(1, emulator.RequestCount);
    }

    [Fact]
    public async Task Line_outside_the_list_is_403_with_the_server_text()
    {
        await using var emulator = await TestData.StartEmulatorAsync(allowedLines: ["11111111-1111-1111-1111-111111111111"]);
        using var client = new ConnectClient(TestData.Options(emulator.BaseUrl.ToString()));
        var ex = await Assert.ThrowsAsync<ConnectBridgeException>(() => client.SendMessageAsync(Message()));
        Assert.Equal(403, ex.Status);
        Assert.Equal("HTTP 403: недостаточно прав. Ответ сервера: «User is not a subscriber or never been online».", ex.Message);
        Assert.Equal("User is not a subscriber or never been online", ex.ServerError);
        Assert.Contains("error", ex.ResponseBody);
    }

    [Fact]
    public async Task Status_400_carries_the_server_error_text()
    {
        await using var server = new RawHttpServer(RawReply.Status(400, """{"error":"text is too long"}"""));
        using var client = new ConnectClient(TestData.Options(server.BaseUrl, english: true));
        var outcome = client.TrySendMessage(Message());
        NoSecret(outcome);
        Assert.Equal(400, outcome.Status);
        Assert.Equal("HTTP 400: the request contains an error. Server says: \"text is too long\".", outcome.ErrorText);
    }

    [Fact]
    public async Task Error_without_body_still_names_the_status()
    {
        await using var server = new RawHttpServer(RawReply.Status(403));
        using var client = new ConnectClient(TestData.Options(server.BaseUrl));
        var outcome = client.TrySendMessage(Message());
        NoSecret(outcome);
        Assert.Equal("HTTP 403: недостаточно прав.", outcome.ErrorText);
    }

    [Fact]
    public async Task Refused_connection_is_minus_two_and_retried()
    {
        int port;
        await using (var probe = new RawHttpServer(RawReply.Status(200))) port = probe.Port; // a port that is now closed
        using var client = new ConnectClient(TestData.Options($"http://127.0.0.1:{port}/", english: true));
        var outcome = await client.TrySendMessageAsync(Message());
        NoSecret(outcome);
        Assert.Equal(BridgeStatus.ConnectionFailed, outcome.Status);
        Assert.Equal(3, outcome.Attempts); // 1 + MaxRetries (2)
        Assert.Equal($"Could not connect to 127.0.0.1:{port}: connection refused. The message was not delivered.", outcome.ErrorText);
    }

    [Fact]
    public async Task No_answer_is_a_timeout_and_never_retried()
    {
        await using var server = new RawHttpServer(new RawReply.Silence());
        var options = TestData.Options(server.BaseUrl, english: true);
        options.Timeout = TimeSpan.FromMilliseconds(500);
        using var client = new ConnectClient(options);
        var outcome = await client.TrySendMessageAsync(Message());
        NoSecret(outcome);
        Assert.Equal(BridgeStatus.Timeout, outcome.Status);
        Assert.Equal("No answer from the server within 0.5 s (timeout). Delivery is unknown.", outcome.ErrorText);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Reset_after_the_request_is_minus_two_and_not_retried()
    {
        await using var server = new RawHttpServer(new RawReply.Reset());
        using var client = new ConnectClient(TestData.Options(server.BaseUrl, english: true));
        var outcome = client.TrySendMessage(Message());
        NoSecret(outcome);
        Assert.Equal(BridgeStatus.ConnectionFailed, outcome.Status);
        Assert.Contains("Delivery is unknown", outcome.ErrorText);
        Assert.Equal(1, server.Requests);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Status_429_and_503_are_retried_then_reported(int status)
    {
        await using var server = new RawHttpServer(RawReply.Status(status));
        using var client = new ConnectClient(TestData.Options(server.BaseUrl));
        var outcome = await client.TrySendMessageAsync(Message());
        NoSecret(outcome);
        Assert.Equal(status, outcome.Status);
        Assert.Equal(3, server.Requests);
        Assert.Equal(3, outcome.Attempts);
    }

    [Fact]
    public async Task A_retry_that_succeeds_delivers_once()
    {
        await using var server = new RawHttpServer(n => n == 1 ? RawReply.Status(503, null, "Retry-After: 0") : RawReply.Status(200));
        using var client = new ConnectClient(TestData.Options(server.BaseUrl));
        var outcome = client.TrySendMessage(Message());
        NoSecret(outcome);
        Assert.Equal(200, outcome.Status);
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task Retry_after_beyond_the_timeout_ends_the_retries()
    {
        await using var server = new RawHttpServer(RawReply.Status(429, null, "Retry-After: 3600"));
        using var client = new ConnectClient(TestData.Options(server.BaseUrl));
        var outcome = await client.TrySendMessageAsync(Message());
        NoSecret(outcome);
        Assert.Equal(429, outcome.Status);
        Assert.Equal(1, server.Requests);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    [InlineData(404)]
    public async Task Other_statuses_are_never_retried(int status)
    {
        await using var server = new RawHttpServer(RawReply.Status(status));
        using var client = new ConnectClient(TestData.Options(server.BaseUrl));
        Assert.Equal(status, (await client.TrySendMessageAsync(Message())).Status);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Zero_retries_disables_retrying()
    {
        await using var server = new RawHttpServer(RawReply.Status(503));
        var options = TestData.Options(server.BaseUrl);
        options.MaxRetries = 0;
        using var client = new ConnectClient(options);
        Assert.Equal(503, client.TrySendMessage(Message()).Status);
        Assert.Equal(1, server.Requests);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    public async Task Redirects_are_not_followed(int status)
    {
        await using var server = new RawHttpServer(RawReply.Status(status, null, "Location: https://elsewhere.example/v1/line/send/message/"));
        using var client = new ConnectClient(TestData.Options(server.BaseUrl, english: true));
        var outcome = client.TrySendMessage(Message());
        NoSecret(outcome);
        Assert.Equal(status, outcome.Status);
        Assert.Contains("https://elsewhere.example/v1/line/send/message/", outcome.ErrorText);
        Assert.Contains("redirects are not followed", outcome.ErrorText);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task The_trailing_slash_is_always_sent_and_a_base_path_is_kept()
    {
        await using var server = new RawHttpServer(RawReply.Status(200));
        using var client = new ConnectClient(TestData.Options(server.BaseUrl + "proxy/prefix"));
        client.TrySendMessage(Message());
        client.TryDropKeyboard(TestData.LineId, TestData.UserId);
        Assert.StartsWith("POST /proxy/prefix/v1/line/send/message/ HTTP/1.1", server.RequestHeads[0]);
        Assert.StartsWith("POST /proxy/prefix/v1/line/drop/keyboard/ HTTP/1.1", server.RequestHeads[1]);
    }

    [Fact]
    public async Task Basic_auth_is_utf8_login_colon_password()
    {
        await using var server = new RawHttpServer(RawReply.Status(200));
        var options = TestData.Options(server.BaseUrl);
        options.Login = "бот";
        options.Password = "пароль";
        using var client = new ConnectClient(options);
        client.TrySendMessage(Message());
        string expected = Convert.ToBase64String(Encoding.UTF8.GetBytes("бот:пароль"));
        Assert.Contains($"Authorization: Basic {expected}\r\n", server.RequestHeads[0]);
    }

    [Fact]
    public async Task Connections_are_reused_across_client_instances()
    {
        await using var server = new RawHttpServer(RawReply.Status(200));
        for (int i = 0; i < 20; i++)
        {
            using var client = new ConnectClient(TestData.Options(server.BaseUrl));
            Assert.Equal(200, client.TrySendMessage(Message()).Status);
        }
        Assert.Equal(20, server.Requests);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task Server_echoing_the_password_is_scrubbed()
    {
        await using var server = new RawHttpServer(RawReply.Status(400, $$"""{"error":"bad password {{TestData.Password}}"}"""));
        var log = TestLog.Create();
        using var client = new ConnectClient(TestData.Options(server.BaseUrl, log));
        var outcome = client.TrySendMessage(Message());
        NoSecret(outcome);
        Assert.Equal(400, outcome.Status);
        Assert.Contains("***", outcome.ErrorText);
        NoSecret(outcome, log);
        Assert.DoesNotContain(TestData.Password, outcome.ServerError);
    }

    [Fact]
    public async Task Huge_error_body_is_read_only_in_part()
    {
        string body = "{\"error\":\"" + new string('x', 1_000_000) + "\"}";
        await using var server = new RawHttpServer(RawReply.Status(500, body));
        using var client = new ConnectClient(TestData.Options(server.BaseUrl));
        var outcome = client.TrySendMessage(Message());
        NoSecret(outcome);
        Assert.Equal(500, outcome.Status);
        Assert.True(outcome.ResponseBody!.Length <= Limits.MaxErrorBodyBytes);
        Assert.True(outcome.ErrorText.Length < 400);
    }

    [Fact]
    public async Task Not_http_is_minus_two()
    {
        await using var server = new RawHttpServer(new RawReply.Bytes(Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH\r\n\r\n"), Close: true));
        using var client = new ConnectClient(TestData.Options(server.BaseUrl, english: true));
        var outcome = client.TrySendMessage(Message());
        NoSecret(outcome);
        Assert.Equal(BridgeStatus.ConnectionFailed, outcome.Status);
        Assert.Contains("not HTTP", outcome.ErrorText);
    }

    [Fact]
    public async Task Caller_cancellation_throws()
    {
        await using var server = new RawHttpServer(new RawReply.Silence());
        using var client = new ConnectClient(TestData.Options(server.BaseUrl));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.TrySendMessageAsync(Message(), cts.Token));
    }

    [Fact]
    public async Task Caller_supplied_httpclient_is_used()
    {
        await using var emulator = await TestData.StartEmulatorAsync();
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var client = new ConnectClient(http, TestData.Options(emulator.BaseUrl.ToString()));
        Assert.Equal(200, (await client.TrySendMessageAsync(Message())).Status);
        Assert.Single(emulator.Calls);
    }

    public static TheoryData<string, int, int, string> BadCertificates => new()
    {
        { "untrusted", -1, 30, "UntrustedRoot" },
        { "expired", -30, -1, "certificate" },
        { "wrong-host", -1, 30, "RemoteCertificateNameMismatch" },
    };

    [Theory]
    [MemberData(nameof(BadCertificates))]
    public async Task Certificate_failures_are_minus_four_and_not_retried(string kind, int fromDays, int toDays, string detail)
    {
        using var cert = TestCertificates.Create(kind == "wrong-host" ? "other.example" : "127.0.0.1",
            DateTimeOffset.UtcNow.AddDays(fromDays), DateTimeOffset.UtcNow.AddDays(toDays));
        await using var server = new RawHttpServer(_ => RawReply.Status(200), cert);
        using var client = new ConnectClient(TestData.Options($"https://127.0.0.1:{server.Port}/", english: true));
        var outcome = client.TrySendMessage(Message());
        NoSecret(outcome);
        Assert.Equal(BridgeStatus.TlsFailure, outcome.Status);
        Assert.StartsWith($"TLS/certificate failure connecting to 127.0.0.1:{server.Port}", outcome.ErrorText);
        Assert.Contains(detail, outcome.ErrorText);
        Assert.Equal(0, server.Requests);
        Assert.Equal(1, server.Connections);
    }
}
