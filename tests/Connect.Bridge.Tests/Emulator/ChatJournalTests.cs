using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Connect.Bridge.Emulator;

namespace Connect.Bridge.Tests.Emulator;

/// <summary>
/// The emulator's side of the chat page over real HTTP: the embedded page, the journal it draws, the event stream and
/// the simulated press. The page itself is tested in a browser (tests/Connect.Bridge.IntegrationTests/Page).
/// </summary>
public sealed class ChatJournalTests : IAsyncLifetime
{
    private const string Line = "5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44";
    private const string User = "df4cca69-ce40-472e-9083-af9b279c72cc";

    private EmulatorServer server = null!;
    private HttpClient http = null!;

    public async ValueTask InitializeAsync()
    {
        server = await TestData.StartEmulatorAsync();
        http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task The_page_is_served_at_the_root_with_its_assets_a_strict_policy_and_is_not_counted_as_a_request()
    {
        using var page = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType?.ToString());
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"ru\">", html);
        Assert.Contains("/emulator/page/app.js", html);
        Assert.DoesNotContain("http", html.Replace("http-equiv", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase); // no external asset
        string policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("default-src 'none'", policy);

        long size = 0;
        foreach (var (path, type) in new[] { ("/", "text/html"), ("/emulator/page/app.js", "text/javascript"), ("/emulator/page/app.css", "text/css") })
        {
            using var asset = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.StartsWith(type, asset.Content.Headers.ContentType?.MediaType);
            size += (await asset.Content.ReadAsByteArrayAsync()).Length;
        }

        Assert.Equal(server.PageSize, size);
        using var post = await http.PostAsync("/", new StringContent(""));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact]
    public async Task A_keyboard_sent_while_one_is_shown_is_flagged_and_DropKeyboard_names_the_keyboards_it_removed()
    {
        await SendAsync("""[[{"text":"A"}]]""");
        await SendAsync(null);
        await SendAsync("""[[{"text":"B","id":"b"}]]""");
        await DropAsync();
        await DropAsync();
        await SendAsync("""[[{"text":"C"}]]""");

        var events = server.Events;
        Assert.Equal(["message", "message", "message", "drop_keyboard", "drop_keyboard", "message"], events.Select(e => e.Kind));
        Assert.False(events[0].KeyboardAlreadyShown);
        Assert.Null(events[1].KeyboardAlreadyShown); // no keyboard, nothing to flag; the first one stays shown
        Assert.True(events[2].KeyboardAlreadyShown);
        Assert.Equal([events[0].Seq, events[2].Seq], events[3].DroppedSeqs);
        Assert.Empty(events[4].DroppedSeqs!);
        Assert.False(events[5].KeyboardAlreadyShown);
        Assert.All(events, e => Assert.Equal(Line + "|" + User, e.Conversation));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), events.Select(e => e.Seq));
    }

    [Fact]
    public async Task The_same_chat_whatever_the_case_of_its_ids()
    {
        await SendAsync(null);
        using var upper = await PostAsync(EmulatorServer.SendMessagePath, $$"""{"line_id":"{{Line.ToUpperInvariant()}}","user_id":"{{User.ToUpperInvariant()}}","text":"x"}""");
        Assert.Equal(HttpStatusCode.OK, upper.StatusCode);
        Assert.Single(server.Events.Select(e => e.Conversation).Distinct());
        Assert.Equal(User.ToUpperInvariant(), server.Events[1].UserId); // shown as sent
    }

    [Fact]
    public async Task Rejected_requests_are_journaled_with_status_and_reason_and_without_credentials()
    {
        using (var unauthorised = await PostAsync(EmulatorServer.SendMessagePath, Body("x", null), password: "wrong-" + TestData.Password)) { }
        using (var bad = await PostAsync(EmulatorServer.SendMessagePath, "{}")) { }
        using (var forbidden = await PostAsync(EmulatorServer.DropKeyboardPath, "[]", contentType: "text/plain")) { }
        using (await http.GetAsync(EmulatorServer.SendMessagePath)) { }

        var rejected = server.Events;
        Assert.Equal([401, 400, 400, 405], rejected.Select(e => e.Status));
        Assert.All(rejected, e => Assert.Equal(EmulatorEvent.RejectedKind, e.Kind));
        Assert.Equal(["Invalid login or password", "line_id is required", "Content-Type must be application/json", "Method not allowed"],
            rejected.Select(e => e.Error));
        Assert.Equal(EmulatorServer.DropKeyboardPath, rejected[2].Path);
        Assert.Empty(server.Calls);

        string journal = await http.GetStringAsync("/emulator/events");
        Assert.DoesNotContain(TestData.Password, journal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestData.Login}:wrong-{TestData.Password}")), journal);
        Assert.DoesNotContain("authorization", journal, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_403_for_a_line_outside_the_allowed_ones_is_journaled_with_its_reason()
    {
        await using var limited = await TestData.StartEmulatorAsync(allowedLines: ["11111111-2222-3333-4444-555555555555"]);
        using var limitedHttp = new HttpClient { BaseAddress = limited.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, EmulatorServer.SendMessagePath)
        {
            Content = new StringContent(Body("x", null), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestData.Login}:{TestData.Password}")));
        using var response = await limitedHttp.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var rejected = Assert.Single(limited.Events);
        Assert.Equal((EmulatorEvent.RejectedKind, 403, EmulatorServer.ForbiddenLineError), (rejected.Kind, rejected.Status.GetValueOrDefault(), rejected.Error));
    }

    [Fact]
    public async Task The_stream_resumes_after_Last_Event_ID_then_delivers_new_events_live_and_a_stale_id_starts_with_cleared()
    {
        await SendAsync(null);
        await SendAsync(null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/emulator/stream");
        request.Headers.Add("Last-Event-ID", "1");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        Assert.Equal(["2"], await ReadEventIdsAsync(reader, 1, timeout.Token));
        await SendAsync(null);
        Assert.Equal(["3"], await ReadEventIdsAsync(reader, 1, timeout.Token));
        server.Reset();
        var cleared = await ReadEventsAsync(reader, 1, timeout.Token);
        Assert.Contains("\"kind\":\"cleared\"", cleared[0].Data);

        using var stale = new HttpRequestMessage(HttpMethod.Get, "/emulator/stream");
        stale.Headers.Add("Last-Event-ID", "999");
        using var staleResponse = await http.SendAsync(stale, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var staleReader = new StreamReader(await staleResponse.Content.ReadAsStreamAsync(timeout.Token));
        var restart = await ReadEventsAsync(staleReader, 2, timeout.Token);
        Assert.Equal(("0", true), (restart[0].Id, restart[0].Data.Contains("\"kind\":\"cleared\"", StringComparison.Ordinal)));
        Assert.Equal("4", restart[1].Id); // the journal's own "cleared", then whatever follows
    }

    [Fact]
    public async Task Stopping_the_emulator_ends_an_open_stream()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await http.GetAsync("/emulator/stream", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        var dispose = server.DisposeAsync().AsTask();
        var buffer = new byte[4096];
        int read;
        try
        {
            do read = await stream.ReadAsync(buffer, timeout.Token);
            while (read > 0);
        }
        catch (IOException)
        {
            read = -1; // aborted instead of ended: also "not hanging"
        }

        Assert.False(timeout.IsCancellationRequested);
        await dispose;
    }

    [Fact]
    public async Task A_press_is_recorded_only_for_a_button_of_a_keyboard_still_shown()
    {
        await SendAsync("""[[{"text":"A","id":"a"},{"text":"B"}],[{"text":"C"}]]""");
        long seq = server.Events[0].Seq;

        using (var ok = await PressAsync($$"""{"seq":{{seq}},"row":1,"column":0}"""))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Contains("\"kind\":\"press\"", await ok.Content.ReadAsStringAsync());
        }

        var press = server.Events[^1];
        Assert.Equal((EmulatorEvent.PressKind, "C", (string?)null, seq), (press.Kind, press.Text, press.ButtonId, press.PressedSeq.GetValueOrDefault()));
        Assert.Single(server.Calls);
        Assert.Equal(1, server.AcceptedCount);

        foreach (var (body, status) in new[]
                 {
                     ("not json", HttpStatusCode.BadRequest),
                     ("null", HttpStatusCode.BadRequest),
                     ($$"""{"seq":{{seq + 100}},"row":0,"column":0}""", HttpStatusCode.Conflict),
                     ($$"""{"seq":{{seq}},"row":0,"column":2}""", HttpStatusCode.Conflict),
                     ($$"""{"seq":{{seq}},"row":-1,"column":0}""", HttpStatusCode.Conflict),
                 })
        {
            using var refused = await PressAsync(body);
            Assert.Equal(status, refused.StatusCode);
        }

        await DropAsync();
        using var afterDrop = await PressAsync($$"""{"seq":{{seq}},"row":0,"column":0}""");
        Assert.Equal(HttpStatusCode.Conflict, afterDrop.StatusCode);
        Assert.Contains("removed by DropKeyboard", await afterDrop.Content.ReadAsStringAsync());
        using var get = await http.GetAsync("/emulator/press");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
    }

    [Fact]
    public async Task The_json_endpoint_keeps_listing_only_accepted_calls()
    {
        await SendAsync("""[[{"text":"A"}]]""");
        using (await PostAsync(EmulatorServer.SendMessagePath, "{}")) { }
        using (await PressAsync($$"""{"seq":{{server.Events[0].Seq}},"row":0,"column":0}""")) { }

        string messages = await http.GetStringAsync("/emulator/messages");
        Assert.Single(server.Calls);
        Assert.Contains("\"kind\":\"message\"", messages);
        Assert.DoesNotContain("press", messages);
        Assert.DoesNotContain("rejected", messages);
    }

    private static string Body(string text, string? keyboard) =>
        keyboard is null
            ? $$"""{"line_id":"{{Line}}","user_id":"{{User}}","text":"{{text}}"}"""
            : $$"""{"line_id":"{{Line}}","user_id":"{{User}}","text":"{{text}}","keyboard":{{keyboard}}}""";

    private static async Task<List<(string Id, string Data)>> ReadEventsAsync(StreamReader reader, int count, CancellationToken ct)
    {
        var events = new List<(string, string)>();
        string id = "", data = "";
        while (events.Count < count)
        {
            string line = await reader.ReadLineAsync(ct) ?? throw new EndOfStreamException("the stream ended");
            if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
            else if (line.Length == 0 && data.Length > 0)
            {
                events.Add((id, data));
                data = "";
            }
        }

        return events;
    }

    private static async Task<string[]> ReadEventIdsAsync(StreamReader reader, int count, CancellationToken ct) =>
        (await ReadEventsAsync(reader, count, ct)).Select(e => e.Id).ToArray();

    private async Task SendAsync(string? keyboard)
    {
        using var response = await PostAsync(EmulatorServer.SendMessagePath, Body("x", keyboard));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task DropAsync()
    {
        using var response = await PostAsync(EmulatorServer.DropKeyboardPath, $$"""{"line_id":"{{Line}}","user_id":"{{User}}"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private Task<HttpResponseMessage> PressAsync(string body) =>
        http.PostAsync("/emulator/press", new StringContent(body, Encoding.UTF8, "application/json"));

    private Task<HttpResponseMessage> PostAsync(string path, string body, string? password = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestData.Login}:{password ?? TestData.Password}")));
        return http.SendAsync(request);
    }
}
