using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Connect.Bridge.Emulator;

namespace Connect.Bridge.Tests.Emulator;

public sealed class EmulatorTests : IAsyncLifetime
{
    private const string Line = "5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44";
    private const string OtherLine = "11111111-2222-3333-4444-555555555555";
    private const string User = "df4cca69-ce40-472e-9083-af9b279c72cc";
    private const string Author = "0b6c3c5e-7a4f-4d0f-9a55-3f1e2d4c5b6a";

    private EmulatorServer server = null!;
    private HttpClient client = null!;

    public async ValueTask InitializeAsync()
    {
        server = await EmulatorServer.StartAsync(new EmulatorSettings { Login = "bot", Password = "secret" });
        client = NewClient(server);
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public void Binds_to_loopback_with_a_real_port()
    {
        Assert.NotEqual(0, server.Port);
        Assert.Equal(new Uri($"http://127.0.0.1:{server.Port}/"), server.BaseUrl);
    }

    [Fact]
    public async Task Valid_message_gets_200_with_empty_body_and_is_recorded()
    {
        var body = $$"""{"line_id":"{{Line}}","user_id":"{{User}}","author_id":"{{Author}}","general_settings":true,"text":"Hello","keyboard":[[{"text":"A","id":"cmd-a"},{"text":"B"}],[{"text":"C"}]]}""";
        using var response = await PostAsync(EmulatorServer.SendMessagePath, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());

        var call = Assert.Single(server.Calls);
        Assert.Equal("message", call.Kind);
        Assert.Equal(Line, call.LineId);
        Assert.Equal(User, call.UserId);
        Assert.Equal(Author, call.AuthorId);
        Assert.True(call.GeneralSettings);
        Assert.Equal("Hello", call.Text);
        Assert.NotNull(call.Keyboard);
        Assert.Equal(2, call.Keyboard.Count);
        Assert.Equal([new RecordedButton("A", "cmd-a"), new RecordedButton("B", null)], call.Keyboard[0]);
        Assert.Equal([new RecordedButton("C", null)], call.Keyboard[1]);
        Assert.Equal(body, call.RawBody);
        Assert.Equal("application/json; charset=utf-8", call.ContentType);
        Assert.Equal("application/json", call.Accept);
        Assert.Equal("Basic", call.AuthorizationScheme);
        Assert.Equal(1, server.RequestCount);
        Assert.Equal(1, server.AcceptedCount);
    }

    [Fact]
    public async Task Minimal_message_records_absent_optionals_as_null()
    {
        using var response = await PostAsync(EmulatorServer.SendMessagePath, $$"""{"line_id":"{{Line}}","user_id":"{{User}}","text":"x","author_id":null}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = Assert.Single(server.Calls);
        Assert.Null(call.AuthorId);
        Assert.Null(call.GeneralSettings);
        Assert.Null(call.Keyboard);
    }

    [Fact]
    public async Task Drop_keyboard_is_accepted_and_recorded()
    {
        using var response = await PostAsync(EmulatorServer.DropKeyboardPath, $$"""{"line_id":"{{Line}}","user_id":"{{User}}"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, response.Content.Headers.ContentLength);
        var call = Assert.Single(server.Calls);
        Assert.Equal("drop_keyboard", call.Kind);
        Assert.Equal(Line, call.LineId);
        Assert.Equal(User, call.UserId);
        Assert.Null(call.Text);
        Assert.Null(call.Keyboard);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("bot", "wrong")]
    [InlineData("other", "secret")]
    [InlineData("bot", "")]
    public async Task Missing_or_wrong_credentials_get_401_with_json_error(string? login, string? password)
    {
        using var request = NewPost(EmulatorServer.SendMessagePath, ValidMessage("hi"));
        request.Headers.Authorization = login is null ? null : Basic(login, password!);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(await ErrorTextAsync(response)));
        Assert.Empty(server.Calls);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task Non_basic_scheme_gets_401()
    {
        using var request = NewPost(EmulatorServer.SendMessagePath, ValidMessage("hi"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "token");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Authorization must use the Basic scheme", await ErrorTextAsync(response));
    }

    [Fact]
    public async Task Utf8_credentials_are_accepted()
    {
        await using var cyr = await EmulatorServer.StartAsync(new EmulatorSettings { Login = "бот", Password = "пароль:с:двоеточием" });
        using var http = NewClient(cyr);
        using var request = NewPost(EmulatorServer.SendMessagePath, ValidMessage("hi"));
        request.Headers.Authorization = Basic("бот", "пароль:с:двоеточием");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"user_id":"df4cca69-ce40-472e-9083-af9b279c72cc","text":"x"}""", "line_id is required")]
    [InlineData("""{"line_id":null,"user_id":"df4cca69-ce40-472e-9083-af9b279c72cc","text":"x"}""", "line_id is required")]
    [InlineData("""{"line_id":"nope","user_id":"df4cca69-ce40-472e-9083-af9b279c72cc","text":"x"}""", "line_id must be a UUID string")]
    [InlineData("""{"line_id":42,"user_id":"df4cca69-ce40-472e-9083-af9b279c72cc","text":"x"}""", "line_id must be a UUID string")]
    [InlineData("""{"line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44","text":"x"}""", "user_id is required")]
    [InlineData("""{"line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44","user_id":"df4cca69ce40472e9083af9b279c72cc","text":"x"}""", "user_id must be a UUID string")]
    [InlineData("""{"line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44","user_id":"df4cca69-ce40-472e-9083-af9b279c72cc","author_id":"bad","text":"x"}""", "author_id must be a UUID string")]
    [InlineData("""{"line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44","user_id":"df4cca69-ce40-472e-9083-af9b279c72cc","general_settings":"true","text":"x"}""", "general_settings must be a boolean")]
    [InlineData("""{"line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44","user_id":"df4cca69-ce40-472e-9083-af9b279c72cc"}""", "text is required")]
    [InlineData("""{"line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44","user_id":"df4cca69-ce40-472e-9083-af9b279c72cc","text":""}""", "text must be a non-empty string")]
    [InlineData("""{"line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44","user_id":"df4cca69-ce40-472e-9083-af9b279c72cc","text":5}""", "text must be a non-empty string")]
    [InlineData("""{"line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44","user_id":"df4cca69-ce40-472e-9083-af9b279c72cc","text":"x","keyboard":{}}""", "keyboard must be an array of rows")]
    [InlineData("""{"line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44","user_id":"df4cca69-ce40-472e-9083-af9b279c72cc","text":"x","keyboard":[{"text":"a"}]}""", "keyboard[0] must be an array of buttons")]
    [InlineData("""{"line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44","user_id":"df4cca69-ce40-472e-9083-af9b279c72cc","text":"x","keyboard":[[{"text":"a"}],["b"]]}""", "keyboard[1][0] must be an object")]
    [InlineData("""{"line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44","user_id":"df4cca69-ce40-472e-9083-af9b279c72cc","text":"x","keyboard":[[{"text":"a"}],[{"text":""}]]}""", "keyboard[1][0].text must be a non-empty string")]
    [InlineData("""{"line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44","user_id":"df4cca69-ce40-472e-9083-af9b279c72cc","text":"x","keyboard":[[{"text":"a"},{"id":"b"}]]}""", "keyboard[0][1].text is required")]
    [InlineData("""{"line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44","user_id":"df4cca69-ce40-472e-9083-af9b279c72cc","text":"x","keyboard":[[{"text":"a","id":7}]]}""", "keyboard[0][0].id must be a string")]
    [InlineData("""[1,2]""", "body must be a JSON object")]
    [InlineData("", "body is empty")]
    [InlineData("""{"line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44","line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44","user_id":"df4cca69-ce40-472e-9083-af9b279c72cc","text":"x"}""", "body is not valid JSON")]
    [InlineData("""{"line_id": """, "body is not valid JSON")]
    public async Task Bad_message_bodies_get_400_with_the_reason(string body, string expectedError)
    {
        using var response = await PostAsync(EmulatorServer.SendMessagePath, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(expectedError, await ErrorTextAsync(response), StringComparison.Ordinal);
        Assert.Empty(server.Calls);
        Assert.Equal(1, server.RequestCount);
    }

    [Theory]
    [InlineData("""{"user_id":"df4cca69-ce40-472e-9083-af9b279c72cc"}""", "line_id is required")]
    [InlineData("""{"line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44"}""", "user_id is required")]
    public async Task Bad_drop_keyboard_bodies_get_400(string body, string expectedError)
    {
        using var response = await PostAsync(EmulatorServer.DropKeyboardPath, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(expectedError, await ErrorTextAsync(response));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task Wrong_content_type_gets_400(string? mediaType)
    {
        using var response = await PostBytesAsync(Encoding.UTF8.GetBytes(ValidMessage("hi")), mediaType);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Content-Type must be application/json", await ErrorTextAsync(response));
    }

    [Fact]
    public async Task Invalid_utf8_gets_400()
    {
        var bytes = Encoding.UTF8.GetBytes(ValidMessage("AB"));
        var i = Array.IndexOf(bytes, (byte)'A');
        bytes[i] = 0xC3;
        bytes[i + 1] = 0x28;
        using var response = await PostBytesAsync(bytes, "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("body is not valid UTF-8", await ErrorTextAsync(response));
    }

    [Fact]
    public async Task Line_outside_the_allowed_list_gets_403()
    {
        await using var limited = await EmulatorServer.StartAsync(new EmulatorSettings { AllowedLines = [Line.ToUpperInvariant()] });
        using var http = NewClient(limited);

        using var denied = await PostAsync(http, EmulatorServer.SendMessagePath, $$"""{"line_id":"{{OtherLine}}","user_id":"{{User}}","text":"x"}""");
        using var deniedDrop = await PostAsync(http, EmulatorServer.DropKeyboardPath, $$"""{"line_id":"{{OtherLine}}","user_id":"{{User}}"}""");
        using var allowed = await PostAsync(http, EmulatorServer.SendMessagePath, ValidMessage("x"));

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal(EmulatorServer.ForbiddenLineError, await ErrorTextAsync(denied));
        Assert.Equal("application/json; charset=utf-8", denied.Content.Headers.ContentType?.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, deniedDrop.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(Line, Assert.Single(limited.Calls).LineId);
        Assert.Equal(3, limited.RequestCount);
    }

    [Theory]
    [InlineData("v1/line/send/message", "/v1/line/send/message/")]
    [InlineData("v1/line/drop/keyboard", "/v1/line/drop/keyboard/")]
    public async Task Path_without_trailing_slash_gets_301_to_the_slashed_path(string path, string target)
    {
        using var response = await PostAsync(path, ValidMessage("x"));

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(new Uri(server.BaseUrl, target), response.Headers.Location);
        Assert.Empty(server.Calls);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task Wrong_method_and_unknown_path_are_rejected_and_counted()
    {
        using var get = await client.GetAsync(EmulatorServer.SendMessagePath);
        using var unknown = await PostAsync("v1/line/unknown/", ValidMessage("x"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(2, server.RequestCount);
        Assert.Empty(server.Calls);
    }

    [Fact]
    public async Task Stats_messages_and_reset_endpoints_work_without_auth()
    {
        using (await PostAsync(EmulatorServer.SendMessagePath, ValidMessage("один"))) { }
        using (await PostAsync(EmulatorServer.SendMessagePath, "{}")) { }

        using (var plain = new HttpClient { BaseAddress = server.BaseUrl })
        {
            using var stats = JsonDocument.Parse(await plain.GetStringAsync("emulator/stats"));
            Assert.Equal(2, stats.RootElement.GetProperty("requests").GetInt64());
            Assert.Equal(1, stats.RootElement.GetProperty("accepted").GetInt64());

            var messagesJson = await plain.GetStringAsync("emulator/messages");
            Assert.Contains("\"text\":\"один\"", messagesJson, StringComparison.Ordinal);
            using var messages = JsonDocument.Parse(messagesJson);
            var only = Assert.Single(messages.RootElement.EnumerateArray().ToArray());
            Assert.Equal("message", only.GetProperty("kind").GetString());
            Assert.Equal(Line, only.GetProperty("line_id").GetString());
            Assert.Equal(User, only.GetProperty("user_id").GetString());
            Assert.Equal(JsonValueKind.Null, only.GetProperty("keyboard").ValueKind);
            Assert.Equal(ValidMessage("один"), only.GetProperty("raw_body").GetString());

            using var reset = await plain.PostAsync("emulator/reset", null);
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);

            using var after = JsonDocument.Parse(await plain.GetStringAsync("emulator/stats"));
            Assert.Equal(0, after.RootElement.GetProperty("requests").GetInt64());
            Assert.Equal(0, after.RootElement.GetProperty("accepted").GetInt64());
            Assert.Equal("[]", await plain.GetStringAsync("emulator/messages"));
        }

        Assert.Empty(server.Calls);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact]
    public async Task Reset_from_dotnet_clears_calls_and_counters()
    {
        using (await PostAsync(EmulatorServer.SendMessagePath, ValidMessage("x"))) { }
        server.Reset();
        Assert.Empty(server.Calls);
        Assert.Equal(0, server.RequestCount);
        Assert.Equal(0, server.AcceptedCount);
    }

    [Fact]
    public async Task Cyrillic_round_trips_exactly()
    {
        const string text = "Текст сообщения — ёЁ «кавычки» \"quotes\" \\ 😀\nвторая строка";
        var payload = new Dictionary<string, object>
        {
            ["line_id"] = Line,
            ["user_id"] = User,
            ["text"] = text,
            ["keyboard"] = new[] { new[] { new Dictionary<string, string> { ["text"] = "Первая", ["id"] = "первая-команда" } } },
        };
        var body = JsonSerializer.Serialize(payload, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Contains("Текст", body, StringComparison.Ordinal);

        using var response = await PostAsync(EmulatorServer.SendMessagePath, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = Assert.Single(server.Calls);
        Assert.Equal(text, call.Text);
        Assert.Equal(body, call.RawBody);
        Assert.Equal(new RecordedButton("Первая", "первая-команда"), Assert.Single(call.Keyboard![0]));

        var messages = await client.GetByteArrayAsync("emulator/messages");
        Assert.True(messages.AsSpan().IndexOf(Encoding.UTF8.GetBytes("Первая")) >= 0, "messages JSON keeps Cyrillic as raw UTF-8");
    }

    [Fact]
    public async Task Escaped_cyrillic_is_decoded()
    {
        using var response = await PostAsync(EmulatorServer.SendMessagePath, $$"""{"line_id":"{{Line}}","user_id":"{{User}}","text":"\u041f\u0440\u0438\u0432\u0435\u0442"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Привет", Assert.Single(server.Calls).Text);
    }

    [Fact]
    public async Task On_recorded_callback_sees_each_accepted_call()
    {
        var seen = new List<RecordedCall>();
        await using var observed = await EmulatorServer.StartAsync(new EmulatorSettings
        {
            OnRecorded = call => { lock (seen) { seen.Add(call); } },
        });
        using var http = NewClient(observed);

        using (await PostAsync(http, EmulatorServer.SendMessagePath, ValidMessage("x"))) { }
        using (await PostAsync(http, EmulatorServer.SendMessagePath, "{}")) { }

        Assert.Equal(observed.Calls, seen);
    }

    [Fact]
    public async Task Concurrent_keep_alive_senders_are_all_counted_and_recorded()
    {
        const int threads = 8;
        const int perThread = 250;

        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < perThread; i++)
            {
                using var response = await PostAsync(EmulatorServer.SendMessagePath, ValidMessage($"t{t}-{i}"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        })));

        var calls = server.Calls;
        Assert.Equal(threads * perThread, calls.Count);
        Assert.Equal(threads * perThread, server.RequestCount);
        Assert.Equal(threads * perThread, calls.Select(c => c.Text).Distinct().Count());
        for (var t = 0; t < threads; t++)
        {
            var mine = calls.Where(c => c.Text!.StartsWith($"t{t}-", StringComparison.Ordinal)).Select(c => c.Text).ToArray();
            Assert.Equal(Enumerable.Range(0, perThread).Select(i => $"t{t}-{i}"), mine);
        }
    }

    [Fact]
    public async Task Fixed_port_is_honoured_and_released_on_dispose()
    {
        var port = server.Port;
        await server.DisposeAsync();

        server = await EmulatorServer.StartAsync(new EmulatorSettings { Port = port });
        Assert.Equal(port, server.Port);
        client.Dispose();
        client = NewClient(server);
        using var response = await PostAsync(EmulatorServer.SendMessagePath, ValidMessage("x"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Invalid_settings_are_rejected()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => EmulatorServer.StartAsync(new EmulatorSettings { Port = 70000 }));
        await Assert.ThrowsAsync<ArgumentException>(() => EmulatorServer.StartAsync(new EmulatorSettings { AllowedLines = ["not-a-uuid"] }));
    }

    private static string ValidMessage(string text) =>
        $$"""{"line_id":"{{Line}}","user_id":"{{User}}","text":{{JsonSerializer.Serialize(text, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })}}}""";

    private static HttpClient NewClient(EmulatorServer emulator) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = emulator.BaseUrl };

    private static AuthenticationHeaderValue Basic(string login, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{login}:{password}")));

    private static HttpRequestMessage NewPost(string path, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/'))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        return request;
    }

    private Task<HttpResponseMessage> PostAsync(string path, string body) => PostAsync(client, path, body);

    /// <summary>Raw bytes to SendMessageLine with valid credentials and the given Content-Type (none when null).</summary>
    private async Task<HttpResponseMessage> PostBytesAsync(byte[] body, string? mediaType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, EmulatorServer.SendMessagePath) { Content = new ByteArrayContent(body) };
        if (mediaType is not null) request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        request.Headers.Authorization = Basic("bot", "secret");
        return await client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string body)
    {
        var request = NewPost(path, body);
        request.Headers.Authorization = Basic("bot", "secret");
        return http.SendAsync(request);
    }

    private static async Task<string?> ErrorTextAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetString();
    }
}
