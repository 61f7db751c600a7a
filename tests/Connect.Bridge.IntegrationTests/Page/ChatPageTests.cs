using System.Text.Encodings.Web;
using System.Text.Json;
using Connect.Bridge.Emulator;
using PuppeteerSharp;

namespace Connect.Bridge.IntegrationTests.Page;

/// <summary>The emulator's chat page (issue 13) in a real headless Chromium: what a programmer sees after real sends.</summary>
public sealed class ChatPageTests : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string SeedText = "Текст сообщения";
    private static readonly string[][] SeedRows = [["Первая", "Вторая"], ["Третья", "Четвертая"], ["Пятая"]];

    // Readable in failure messages; still a valid JavaScript string literal.
    private static readonly JsonSerializerOptions Literal = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly BrowserFixture browser;
    private readonly ITestOutputHelper output;
    private ObservedPage page = null!;
    private ChatPageScene scene = null!;

    public ChatPageTests(BrowserFixture browser, ITestOutputHelper output)
    {
        this.browser = browser;
        this.output = output;
    }

    public async ValueTask InitializeAsync()
    {
        browser.SkipUnlessLaunched();
        scene = await ChatPageScene.StartAsync();
        page = await browser.OpenPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // Close the page before the emulator goes, so the next test starts from a quiet browser.
        if (page is not null) await page.Page.CloseAsync();
        if (scene is not null) await scene.DisposeAsync();
    }

    [Fact]
    public async Task Seed_message_appears_live_with_its_text_and_five_buttons_in_three_rows_in_order()
    {
        await OpenAsync();
        Assert.True(await page.EvaluateAsync<bool>("!document.getElementById('empty').hidden"));
        await page.EvaluateAsync("window.__samePage = 'not reloaded'");

        Assert.Equal(200, (await scene.SendSeedAsync()).Status);
        await WaitForMessageAsync(SeedText);

        Assert.Equal(SeedRows, await KeyboardRowsAsync(SeedText));
        Assert.Equal("not reloaded", await page.EvaluateAsync<string>("window.__samePage"));
        Assert.True(await page.EvaluateAsync<bool>("document.getElementById('empty').hidden"));
        // Ids shown short, the whole id one click (or a hover) away.
        var ids = await page.EvaluateAsync<string[][]>(
            "[...document.querySelectorAll('.chat-head .id')].map(b => [b.textContent, b.dataset.full, b.title])");
        Assert.Equal(["5f0ddfd1…", ChatPageScene.LineId], ids[0][..2]);
        Assert.Equal(["df4cca69…", ChatPageScene.UserId], ids[1][..2]);
        Assert.Contains(ChatPageScene.LineId, ids[0][2]);
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Russian_is_the_default_and_English_is_one_click_away_and_remembered()
    {
        await OpenAsync();
        await scene.SendSeedAsync();
        await WaitForMessageAsync(SeedText);
        Assert.Equal("ru", await page.EvaluateAsync<string>("document.documentElement.lang"));
        Assert.Equal("Эмулятор 1C-Connect: чат линии", await page.EvaluateAsync<string>("document.querySelector('h1').textContent"));
        Assert.Equal("клавиатура показана", await page.EvaluateAsync<string>("document.querySelector('.kb-state').textContent"));

        await page.Page.ClickAsync("#lang-en");
        await page.WaitForAsync("document.documentElement.lang === 'en'", "English after clicking EN");
        Assert.Equal("1C-Connect emulator: line chat", await page.EvaluateAsync<string>("document.querySelector('h1').textContent"));
        Assert.Equal("keyboard shown", await page.EvaluateAsync<string>("document.querySelector('.kb-state').textContent"));
        Assert.Equal(SeedRows, await KeyboardRowsAsync(SeedText)); // replayed in the new language, not lost

        await OpenAsync();
        await WaitForMessageAsync(SeedText);
        Assert.Equal("en", await page.EvaluateAsync<string>("document.documentElement.lang"));
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Button_id_shows_on_hover_and_a_press_is_recorded_as_a_local_simulation()
    {
        await OpenAsync();
        var keyboard = Keyboard.Parse("""[[{"text":"Да","id":"cmd-yes"},{"text":"Нет"}]]""");
        Assert.Equal(200, (await scene.SendAsync("Подтвердите заказ", keyboard)).Status);
        await WaitForMessageAsync("Подтвердите заказ");
        var titles = await page.EvaluateAsync<string[]>("[...document.querySelectorAll('.kb button')].map(b => b.title)");
        Assert.Equal(2, titles.Length);
        Assert.Contains("cmd-yes", titles[0]);
        Assert.Equal("у кнопки нет id", titles[1]);

        await page.Page.ClickAsync(".kb button[data-id='cmd-yes']");
        await page.WaitForAsync("document.querySelector('.press')", "the press in the conversation");
        string pressed = await page.EvaluateAsync<string>("document.querySelector('.press').textContent");
        Assert.Contains("Пользователь нажал «Да» (id: cmd-yes)", pressed);
        Assert.Contains("локальная симуляция", pressed);

        var press = Assert.Single(scene.Emulator.Events, e => e.Kind == EmulatorEvent.PressKind);
        Assert.Equal(("Да", "cmd-yes", 0, 0), (press.Text, press.ButtonId, press.Row, press.Column));
        Assert.Single(scene.Emulator.Calls); // a simulated press is not an API call
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task A_second_keyboard_is_flagged_and_DropKeyboard_shows_both_removed()
    {
        await OpenAsync();
        await scene.SendSeedAsync();
        await scene.SendAsync("Вторая клавиатура", Keyboard.Parse("Ещё|Нет", KeyboardFormat.Rows));
        await WaitForMessageAsync("Вторая клавиатура");
        Assert.False(await HasWarningAsync(SeedText));
        Assert.True(await HasWarningAsync("Вторая клавиатура"));
        Assert.Contains("Клавиатура уже показана", await page.EvaluateAsync<string>("document.querySelector('.kb-warning').textContent"));

        Assert.Equal(200, (await scene.DropKeyboardAsync()).Status);
        await page.WaitForAsync("document.querySelectorAll('.kb.dropped').length === 2", "both keyboards removed");
        Assert.True(await page.EvaluateAsync<bool>("[...document.querySelectorAll('.kb button')].every(b => b.disabled)"));
        Assert.StartsWith("клавиатура удалена (DropKeyboard)", await page.EvaluateAsync<string>("document.querySelector('.kb-state').textContent"));
        Assert.StartsWith("DropKeyboard: клавиатура удалена", await page.EvaluateAsync<string>("document.querySelector('.event.drop').textContent"));

        // After the drop a new keyboard is the only one shown: no warning.
        await scene.SendAsync("Третья клавиатура", Keyboard.Parse("Ок", KeyboardFormat.Rows));
        await WaitForMessageAsync("Третья клавиатура");
        Assert.False(await HasWarningAsync("Третья клавиатура"));
        Assert.Equal(1, await page.EvaluateAsync<int>("document.querySelectorAll('.kb:not(.dropped)').length"));

        // A removed keyboard cannot be pressed, not even by posting past the disabled buttons.
        long droppedSeq = scene.Emulator.Events.First(e => e.Text == SeedText).Seq;
        using var refused = await scene.Raw.PostAsync("/emulator/press",
            new StringContent($$"""{"seq":{{droppedSeq}},"row":0,"column":0}""", Encoding.UTF8, "application/json"));
        Assert.Equal(409, (int)refused.StatusCode);
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Rejected_401_and_400_appear_in_the_log_with_their_reasons_and_the_password_is_nowhere()
    {
        await OpenAsync();
        string wrongPassword = "wrong-" + Guid.NewGuid().ToString("N");
        using (var wrong = scene.NewClient(wrongPassword))
        {
            var outcome = await wrong.TrySendMessageAsync(new LineMessage(ChatPageScene.LineId, ChatPageScene.UserId, "Проверка"));
            Assert.Equal(401, outcome.Status);
        }

        Assert.Equal(400, await scene.PostRawAsync(EmulatorServer.SendMessagePath,
            $$"""{"line_id":"{{ChatPageScene.LineId}}","user_id":"{{ChatPageScene.UserId}}"}"""));

        await page.WaitForAsync("document.querySelectorAll('.rej').length === 2", "two rejected requests in the log panel");
        var entries = await page.EvaluateAsync<string[][]>(
            "[...document.querySelectorAll('#rejected-list .rej')].map(e => [e.querySelector('.code').textContent, e.querySelector('.reason').textContent, e.querySelector('.where').textContent])");
        // Newest first.
        Assert.Equal(["400", "text is required"], entries[0][..2]);
        Assert.Equal(["401", "Invalid login or password"], entries[1][..2]);
        Assert.All(entries, e => Assert.Contains("SendMessageLine · /v1/line/send/message/", e[2]));
        Assert.Empty(scene.Emulator.Calls);
        Assert.True(await page.EvaluateAsync<bool>("document.querySelectorAll('.chat').length === 0"));

        string dom = await page.EvaluateAsync<string>("document.documentElement.outerHTML");
        string journal = await page.EvaluateAsync<string>("fetch('/emulator/events').then(r => r.text())");
        foreach (var secret in Forms(scene.Password).Concat(Forms(wrongPassword)))
        {
            Assert.DoesNotContain(secret, dom, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, journal, StringComparison.OrdinalIgnoreCase);
        }

        // Not even masked: no run of mask characters that could betray the length.
        Assert.DoesNotMatch(@"[*•●]{4,}", dom);
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Html_and_script_in_a_message_show_literally_and_nothing_runs()
    {
        await OpenAsync();
        const string hostile = "<script>window.__pwned = 'script'; alert('script')</script>\n" +
                               "<img src=x onerror=\"window.__pwned = 'img'; alert('img')\"><b>жирный</b> & &amp;";
        var keyboard = Keyboard.Parse("""[[{"text":"<i onmouseover=alert(1)>кнопка</i>","id":"<script>alert(2)</script>"}]]""");
        Assert.Equal(200, (await scene.SendAsync(hostile, keyboard)).Status);
        await WaitForMessageAsync(hostile);

        Assert.Equal(hostile, await page.EvaluateAsync<string>("document.querySelector('.bubble .text').textContent"));
        Assert.Equal("pre-wrap", await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.bubble .text')).whiteSpace"));
        Assert.Equal(0, await page.EvaluateAsync<int>("document.querySelectorAll('#chat-list script, #chat-list img, #chat-list b, #chat-list i').length"));
        Assert.Equal([["<i onmouseover=alert(1)>кнопка</i>"]], await KeyboardRowsAsync(hostile));
        await page.Page.ClickAsync(".kb button");
        await page.WaitForAsync("document.querySelector('.press')", "the press of the hostile button");
        Assert.Equal("undefined", await page.EvaluateAsync<string>("typeof window.__pwned"));
        Assert.Empty(page.Dialogs);
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Conversations_are_listed_newest_activity_first()
    {
        await OpenAsync();
        await scene.SendAsync("Первому", userId: ChatPageScene.UserId);
        await scene.SendAsync("Второму", userId: ChatPageScene.OtherUserId);
        await WaitForMessageAsync("Второму");
        Assert.Equal([ChatPageScene.OtherUserId, ChatPageScene.UserId], await ChatUsersAsync());

        await scene.SendAsync("Снова первому", userId: ChatPageScene.UserId);
        await WaitForMessageAsync("Снова первому");
        Assert.Equal([ChatPageScene.UserId, ChatPageScene.OtherUserId], await ChatUsersAsync());
        Assert.Equal(2, await page.EvaluateAsync<int>("document.querySelector('.chat').querySelectorAll('.message').length"));
    }

    [Fact]
    public async Task Clear_empties_the_page_and_the_json_endpoint_which_held_the_calls()
    {
        await OpenAsync();
        await scene.SendSeedAsync();
        await scene.PostRawAsync(EmulatorServer.SendMessagePath, "{}");
        await WaitForMessageAsync(SeedText);
        await page.WaitForAsync("document.querySelectorAll('.rej').length === 1", "the rejected request");
        string before = await page.EvaluateAsync<string>("fetch('/emulator/messages').then(r => r.text())");
        Assert.Contains(SeedText, before);

        await page.Page.ClickAsync("#clear");
        await page.WaitForAsync("document.querySelectorAll('.chat, .rej').length === 0", "an empty page after clear");
        Assert.True(await page.EvaluateAsync<bool>("!document.getElementById('empty').hidden && !document.getElementById('rejected-empty').hidden"));
        Assert.Equal("[]", await page.EvaluateAsync<string>("fetch('/emulator/messages').then(r => r.text())"));
        Assert.Empty(scene.Emulator.Calls);

        // Still live after the clear.
        await scene.SendAsync("После очистки");
        await WaitForMessageAsync("После очистки");
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Phone_width_fits_without_sideways_scrolling_and_the_log_goes_below_the_chats()
    {
        await page.Page.SetViewportAsync(new ViewPortOptions { Width = 390, Height = 844, IsMobile = true });
        await OpenAsync();
        await scene.SendSeedAsync("Очень длинное сообщение без пробелов: " + new string('ж', 300));
        await scene.SendAsync("Длинные подписи", Keyboard.Parse("Соединить со специалистом первой линии|Оставить отзыв о качестве обслуживания", KeyboardFormat.Rows));
        await scene.PostRawAsync(EmulatorServer.SendMessagePath, "{}");
        await WaitForMessageAsync("Длинные подписи");
        await page.WaitForAsync("document.querySelectorAll('.rej').length === 1", "the rejected request");

        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"),
            "the page scrolls sideways at 390 px: " + await page.EvaluateAsync<int>("document.documentElement.scrollWidth"));
        Assert.True(await page.EvaluateAsync<bool>(
            "document.getElementById('rejected').getBoundingClientRect().top >= document.getElementById('chats').getBoundingClientRect().bottom"));
        await WriteArtifactAsync("emulator-page-phone.png");
    }

    [Fact]
    public async Task The_page_loads_nothing_but_its_own_embedded_assets()
    {
        await OpenAsync();
        await scene.SendSeedAsync();
        await WaitForMessageAsync(SeedText);
        string origin = scene.PageUrl.TrimEnd('/');
        var foreign = page.RequestedUrls.Where(url => !url.StartsWith(origin + "/", StringComparison.Ordinal) && !url.StartsWith("data:", StringComparison.Ordinal)).ToArray();
        Assert.Empty(foreign);
        Assert.Contains(origin + "/emulator/page/app.js", page.RequestedUrls);
        Assert.Contains(origin + "/emulator/stream", page.RequestedUrls);
        output.WriteLine($"page size: {scene.Emulator.PageSize} bytes (HTML + CSS + script)");
    }

    /// <summary>Everything at once, for the reviewer's screenshot (artifacts/page/emulator-page.png, every run).</summary>
    [Fact]
    public async Task Screenshot_of_a_typical_session_is_written_under_artifacts()
    {
        await page.Page.SetViewportAsync(new ViewPortOptions { Width = 1280, Height = 900 });
        await OpenAsync();
        await scene.SendSeedAsync();
        await scene.SendAsync("Выберите удобное время:\nзавтра или послезавтра?", Keyboard.Parse("""[[{"text":"Завтра","id":"day-1"},{"text":"Послезавтра","id":"day-2"}]]"""));
        await WaitForMessageAsync("Выберите удобное время:\nзавтра или послезавтра?");
        await page.Page.ClickAsync(".kb button[data-id='day-1']");
        await page.WaitForAsync("document.querySelector('.press')", "the press");
        await scene.DropKeyboardAsync();
        await scene.Client.TrySendMessageAsync(new LineMessage(ChatPageScene.LineId, ChatPageScene.OtherUserId, "Спасибо за обращение!")
        {
            AuthorId = "0e8b3a4c-1111-4222-8333-944455556666",
            GeneralSettings = true,
        });
        using (var wrong = scene.NewClient("wrong-password-" + Guid.NewGuid().ToString("N")))
        {
            await wrong.TrySendMessageAsync(new LineMessage(ChatPageScene.LineId, ChatPageScene.UserId, "x"));
        }

        await scene.PostRawAsync(EmulatorServer.SendMessagePath, $$"""{"line_id":"{{ChatPageScene.LineId}}","user_id":"{{ChatPageScene.UserId}}"}""");
        await page.WaitForAsync("document.querySelectorAll('.rej').length === 2 && document.querySelectorAll('.chat').length === 2 && document.querySelector('.kb.dropped')",
            "the whole session");
        string path = await WriteArtifactAsync("emulator-page.png");
        var png = await File.ReadAllBytesAsync(path);
        Assert.True(png.Length > 10_000, $"suspiciously small screenshot: {png.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        AssertNoScriptErrors();
    }

    private static IEnumerable<string> Forms(string password)
    {
        yield return password;
        yield return Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ChatPageScene.Login}:{password}"));
        yield return Convert.ToBase64String(Encoding.UTF8.GetBytes(password));
        yield return Uri.EscapeDataString(password);
    }

    private async Task OpenAsync()
    {
        await page.Page.GoToAsync(scene.PageUrl, WaitUntilNavigation.Load);
        await page.WaitForAsync("document.getElementById('status').dataset.state === 'live'", "the live-update stream connected");
    }

    private Task WaitForMessageAsync(string text) =>
        page.WaitForAsync($"[...document.querySelectorAll('.message .text')].some(p => p.textContent === {JsonSerializer.Serialize(text, Literal)})",
            "the message " + JsonSerializer.Serialize(text, Literal));

    private static string MessageItem(string text) =>
        $"[...document.querySelectorAll('.message')].find(m => m.querySelector('.text').textContent === {JsonSerializer.Serialize(text, Literal)})";

    private Task<string[][]> KeyboardRowsAsync(string text) =>
        page.EvaluateAsync<string[][]>($"[...{MessageItem(text)}.querySelectorAll('.kb-row')].map(r => [...r.querySelectorAll('button')].map(b => b.textContent))");

    private Task<bool> HasWarningAsync(string text) => page.EvaluateAsync<bool>($"!!{MessageItem(text)}.querySelector('.kb-warning')");

    private Task<string[]> ChatUsersAsync() =>
        page.EvaluateAsync<string[]>("[...document.querySelectorAll('.chat')].map(c => c.querySelectorAll('.chat-head .id')[1].dataset.full)");

    private async Task<string> WriteArtifactAsync(string name)
    {
        string directory = Path.Combine(RepoPaths.Root, "artifacts", "page");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name);
        await File.WriteAllBytesAsync(path, await page.Page.ScreenshotDataAsync(new ScreenshotOptions { FullPage = true, Type = ScreenshotType.Png }));
        output.WriteLine("screenshot: " + path);
        return path;
    }

    private void AssertNoScriptErrors()
    {
        Assert.Empty(page.Exceptions);
        Assert.Empty(page.Dialogs);
    }
}
