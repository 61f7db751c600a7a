using NSubstitute;

namespace Connect.Bridge.Tests.Core;

/// <summary>The stateful sender the adapters wrap, over a substituted client seam.</summary>
public class BridgeSenderTests
{
    private readonly ILineClient _client = Substitute.For<ILineClient>();
    private ConnectClientOptions? _lastOptions;
    private int _created;

    private BridgeSender Sender() => new(options =>
    {
        _lastOptions = options;
        _created++;
        return _client;
    });

    [Fact]
    public void Options_reach_the_client_and_message_fields_reach_the_request()
    {
        LineMessage? sent = null;
        _client.TrySendMessage(Arg.Do<LineMessage>(m => sent = m), Arg.Any<CancellationToken>()).Returns(new SendOutcome(200, ""));
        var sender = Sender();
        Assert.True(sender.Set(SenderSetting.BaseUrl, "http://127.0.0.1:5000").Succeeded);
        sender.Set(SenderSetting.Login, "bot");
        sender.Set(SenderSetting.Password, "p");
        sender.Set(SenderSetting.TimeoutMs, "1500");
        sender.Set(SenderSetting.Language, "EN");
        sender.Set(SenderSetting.MaxRetries, "0");
        sender.Set(SenderSetting.AllowInsecureHttp, "1");
        sender.Set(SenderSetting.ProxyUrl, "http://proxy.local:3128");
        sender.Set(SenderSetting.AuthorId, "{0E8B3A4C-1111-4222-8333-944455556666}");
        sender.Set(SenderSetting.GeneralSettings, "1");
        sender.SetKeyboard("A|B", KeyboardFormat.Auto);

        var outcome = sender.Send(TestData.LineId, TestData.UserId, "hi");

        Assert.Equal(200, outcome.Status);
        Assert.Same(outcome, sender.LastOutcome);
        Assert.Equal("http://127.0.0.1:5000", _lastOptions!.BaseUrl);
        Assert.Equal("bot", _lastOptions.Login);
        Assert.Equal("p", _lastOptions.Password);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), _lastOptions.Timeout);
        Assert.Equal(ErrorLanguage.English, _lastOptions.Language);
        Assert.Equal(0, _lastOptions.MaxRetries);
        Assert.True(_lastOptions.AllowInsecureHttp);
        Assert.Equal("http://proxy.local:3128", _lastOptions.ProxyUrl);
        Assert.Equal("0e8b3a4c-1111-4222-8333-944455556666", sent!.AuthorId);
        Assert.True(sent.GeneralSettings);
        Assert.Equal("A,B", string.Join(",", sent.Keyboard!.Rows[0].Select(b => b.Text)));
        Assert.Equal((TestData.LineId, TestData.UserId, "hi"), (sent.LineId, sent.UserId, sent.Text));
    }

    [Fact]
    public void The_client_is_rebuilt_only_when_a_connection_option_changes()
    {
        _client.TrySendMessage(default!).ReturnsForAnyArgs(new SendOutcome(200, ""));
        var sender = Sender();
        sender.Send(TestData.LineId, TestData.UserId, "1");
        sender.SetKeyboard("A", KeyboardFormat.Rows);
        sender.Set(SenderSetting.AuthorId, "");
        sender.Send(TestData.LineId, TestData.UserId, "2");
        Assert.Equal(1, _created);
        sender.Set(SenderSetting.Login, "other");
        sender.Send(TestData.LineId, TestData.UserId, "3");
        Assert.Equal(2, _created);
    }

    [Theory]
    [InlineData(4, "0", "Неверный параметр: тайм-аут «0» должен быть от 1 мс до 1 часа.")]
    [InlineData(4, "-1", "Неверный параметр: тайм-аут «-1» должен быть от 1 мс до 1 часа.")]
    [InlineData(4, "abc", "Неверный параметр: тайм-аут «abc» должен быть от 1 мс до 1 часа.")]
    [InlineData(4, "99999999999", "Неверный параметр: тайм-аут «99999999999» должен быть от 1 мс до 1 часа.")]
    [InlineData(5, "de", "Неверный параметр: язык «de» не поддерживается; допустимы ru и en.")]
    [InlineData(6, "nope", "Неверный аргумент: author_id «nope» не является UUID (ожидается вид 5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44).")]
    [InlineData(7, "yes", "Неверный параметр: general_settings «yes» должен быть 1 или 0.")]
    [InlineData(11, "11", "Неверный параметр: число повторов «11» должно быть от 0 до 10.")]
    [InlineData(12, "2", "Неверный параметр: AllowInsecureHttp «2» должен быть 1 или 0.")]
    [InlineData(99, "x", "Неверный аргумент: неизвестный номер параметра 99.")]
    [InlineData(1001, "1", "Неверный аргумент: неизвестный номер параметра 1001.")]
    public void Bad_option_values_are_minus_one_and_recorded(int option, string value, string expected)
    {
        var sender = Sender();
        var outcome = sender.SetOption(option, value);
        Assert.Equal(-1, outcome.Status);
        Assert.Equal(expected, outcome.ErrorText);
        Assert.Same(outcome, sender.LastOutcome);
        Assert.Equal(0, _created);
    }

    [Fact]
    public void Options_read_back_in_text_form_and_passwords_read_back_empty()
    {
        var sender = Sender();
        sender.Set(SenderSetting.Password, "secret");
        sender.Set(SenderSetting.ProxyPassword, "secret2");
        sender.Set(SenderSetting.TimeoutMs, "2500");
        sender.Set(SenderSetting.GeneralSettings, "0");
        Assert.Equal("", sender.Get(SenderSetting.Password).ToString());
        Assert.Equal("", sender.Get(SenderSetting.ProxyPassword).ToString());
        Assert.Equal("2500", sender.Get(SenderSetting.TimeoutMs).ToString());
        Assert.Equal(HostValueKind.Boolean, sender.Get(SenderSetting.GeneralSettings).Kind);
        Assert.False(sender.Get(SenderSetting.GeneralSettings).AsBoolean);
        Assert.Equal("ru", sender.Get(SenderSetting.Language).ToString());
        Assert.Equal(ConnectClientOptions.DefaultBaseUrl, sender.Get(SenderSetting.BaseUrl).ToString());
    }

    [Fact]
    public void Keyboard_set_add_read_back_and_clear()
    {
        var sender = Sender();
        Assert.True(sender.SetKeyboard("""[["Да",{"text":"Нет","id":"no"}]]""", KeyboardFormat.Json).Succeeded);
        Assert.True(sender.AddKeyboardRow(@"Позвать оператора|a\|b").Succeeded);
        Assert.Equal("""[[{"text":"Да"},{"text":"Нет","id":"no"}],[{"text":"Позвать оператора"},{"text":"a|b"}]]""", sender.GetKeyboard(KeyboardFormat.Json));
        Assert.Equal("Да | Нет\nПозвать оператора | a\\|b", sender.GetKeyboard(KeyboardFormat.Rows));
        Assert.Equal(-1, sender.AddKeyboardRow("|").Status);
        Assert.Equal(2, sender.Keyboard!.Rows.Count);
        sender.SetKeyboard("", KeyboardFormat.Auto);
        Assert.Null(sender.Keyboard);
        Assert.Equal("", sender.GetKeyboard(KeyboardFormat.Json));
        Assert.Equal(-1, sender.SetKeyboard("A", (KeyboardFormat)7).Status);
    }

    [Fact]
    public void A_bad_keyboard_keeps_the_previous_one()
    {
        var sender = Sender();
        sender.SetKeyboard("A|B", KeyboardFormat.Rows);
        var outcome = sender.SetKeyboard("[[]]", KeyboardFormat.Json);
        Assert.Equal(-1, outcome.Status);
        Assert.Equal("Неверная клавиатура (строка 1): строка клавиатуры пуста.", outcome.ErrorText);
        Assert.Equal("A | B", sender.GetKeyboard(KeyboardFormat.Rows));
    }

    [Fact]
    public void A_throwing_client_becomes_an_internal_error()
    {
        _client.TrySendMessage(default!).ReturnsForAnyArgs<SendOutcome>(_ => throw new InvalidOperationException("secret detail"));
        var sender = Sender();
        var outcome = sender.Send(TestData.LineId, TestData.UserId, "x");
        Assert.Equal(BridgeStatus.InternalError, outcome.Status);
        Assert.DoesNotContain("secret detail", outcome.ErrorText);
        Assert.Contains("InvalidOperationException", outcome.ErrorText);
    }

    [Fact]
    public void Drop_keyboard_goes_through_the_seam()
    {
        _client.TryDropKeyboard(TestData.LineId, TestData.UserId).Returns(new SendOutcome(200, ""));
        Assert.Equal(200, Sender().DropKeyboard(TestData.LineId, TestData.UserId).Status);
    }

    [Fact]
    public async Task Send_once_works_end_to_end()
    {
        await using var emulator = await TestData.StartEmulatorAsync();
        var outcome = BridgeSender.SendOnce(emulator.BaseUrl.ToString(), TestData.Login, TestData.Password, TestData.LineId, TestData.UserId, "Привет", "A|B", KeyboardFormat.Auto);
        Assert.Equal(200, outcome.Status);
        Assert.Equal("Привет", Assert.Single(emulator.Calls).Text);
        var invalid = BridgeSender.SendOnce(emulator.BaseUrl.ToString(), TestData.Login, TestData.Password, TestData.LineId, TestData.UserId, "x", "[[", KeyboardFormat.Auto);
        Assert.Equal(-1, invalid.Status);
        Assert.Equal(1, emulator.RequestCount);
    }
}
