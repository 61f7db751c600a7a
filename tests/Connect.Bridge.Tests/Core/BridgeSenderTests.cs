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
        Assert.True(sender.SetOption(SenderOption.BaseUrl, "http://127.0.0.1:5000").IsSuccess);
        sender.SetOption(SenderOption.Login, "bot");
        sender.SetOption(SenderOption.Password, "p");
        sender.SetOption(SenderOption.TimeoutMs, "1500");
        sender.SetOption(SenderOption.Language, "EN");
        sender.SetOption(SenderOption.MaxRetries, "0");
        sender.SetOption(SenderOption.AllowInsecureHttp, "1");
        sender.SetOption(SenderOption.ProxyUrl, "http://proxy.local:3128");
        sender.SetOption(SenderOption.AuthorId, "{0E8B3A4C-1111-4222-8333-944455556666}");
        sender.SetOption(SenderOption.GeneralSettings, "1");
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
        sender.SetOption(SenderOption.AuthorId, "");
        sender.Send(TestData.LineId, TestData.UserId, "2");
        Assert.Equal(1, _created);
        sender.SetOption(SenderOption.Login, "other");
        sender.Send(TestData.LineId, TestData.UserId, "3");
        Assert.Equal(2, _created);
    }

    [Theory]
    [InlineData(SenderOption.TimeoutMs, "0")]
    [InlineData(SenderOption.TimeoutMs, "-1")]
    [InlineData(SenderOption.TimeoutMs, "abc")]
    [InlineData(SenderOption.TimeoutMs, "99999999999")]
    [InlineData(SenderOption.Language, "de")]
    [InlineData(SenderOption.AuthorId, "nope")]
    [InlineData(SenderOption.GeneralSettings, "yes")]
    [InlineData(SenderOption.MaxRetries, "11")]
    [InlineData(SenderOption.AllowInsecureHttp, "2")]
    [InlineData((SenderOption)99, "x")]
    public void Bad_option_values_are_minus_one_and_recorded(SenderOption option, string value)
    {
        var sender = Sender();
        var outcome = sender.SetOption(option, value);
        Assert.Equal(-1, outcome.Status);
        Assert.NotEqual("", outcome.ErrorText);
        Assert.Same(outcome, sender.LastOutcome);
        Assert.Equal(0, _created);
    }

    [Fact]
    public void Options_read_back_in_text_form_and_passwords_read_back_empty()
    {
        var sender = Sender();
        sender.SetOption(SenderOption.Password, "secret");
        sender.SetOption(SenderOption.ProxyPassword, "secret2");
        sender.SetOption(SenderOption.TimeoutMs, "2500");
        sender.SetOption(SenderOption.GeneralSettings, "0");
        Assert.Equal("", sender.GetOption(SenderOption.Password));
        Assert.Equal("", sender.GetOption(SenderOption.ProxyPassword));
        Assert.Equal("2500", sender.GetOption(SenderOption.TimeoutMs));
        Assert.Equal("0", sender.GetOption(SenderOption.GeneralSettings));
        Assert.Equal("ru", sender.GetOption(SenderOption.Language));
        Assert.Equal(ConnectClientOptions.DefaultBaseUrl, sender.GetOption(SenderOption.BaseUrl));
    }

    [Fact]
    public void Keyboard_set_add_read_back_and_clear()
    {
        var sender = Sender();
        Assert.True(sender.SetKeyboard("""[["Да",{"text":"Нет","id":"no"}]]""", KeyboardFormat.Json).IsSuccess);
        Assert.True(sender.AddKeyboardRow(@"Позвать оператора|a\|b").IsSuccess);
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
