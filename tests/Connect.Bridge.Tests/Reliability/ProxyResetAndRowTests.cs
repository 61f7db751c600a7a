namespace Connect.Bridge.Tests.Reliability;

/// <summary>Issue 19, round three, items 5 and 8: each test failed before its fix.</summary>
public class ProxyResetAndRowTests
{
    private static LineMessage Message() => new(TestData.LineId, TestData.UserId, "Здравствуйте");

    // ---- item 5: a proxy that resets at its first byte is named as the proxy ----

    /// <summary>A proxy that reads the first byte of what the client sends (the request or the CONNECT) and resets.</summary>
    private static RawHttpServer ResettingProxy() => new(_ => RawReply.Status(200), null, new RawReply.Reset());

    [Fact]
    public async Task A_proxy_resetting_a_plain_request_at_its_first_byte_is_named()
    {
        await using var target = new RawHttpServer(RawReply.Status(200));
        await using var proxy = ResettingProxy();
        var options = TestData.Options(target.BaseUrl, english: true);
        options.ProxyUrl = proxy.BaseUrl;
        options.MaxRetries = 0;
        using var client = new ConnectClient(options);
        var outcome = client.TrySendMessage(Message());
        Assert.Equal((BridgeStatus.ConnectionFailed,
            $"The connection to the proxy 127.0.0.1:{proxy.Port} broke before an answer (on the way to 127.0.0.1:{target.Port}): connection reset by the proxy. Delivery is unknown."),
            (outcome.Status, outcome.ErrorText));
        Assert.True(proxy.Connections >= 1);
        Assert.Equal(0, target.Requests);
    }

    [Fact]
    public async Task A_proxy_resetting_a_plain_request_at_its_first_byte_is_named_in_russian()
    {
        await using var proxy = ResettingProxy();
        var options = TestData.Options("http://127.0.0.1:9/", english: false);
        options.ProxyUrl = proxy.BaseUrl;
        options.MaxRetries = 0;
        using var client = new ConnectClient(options);
        var outcome = client.TrySendMessage(Message());
        Assert.Equal((BridgeStatus.ConnectionFailed,
            $"Соединение с прокси-сервером 127.0.0.1:{proxy.Port} прервано до получения ответа (по пути к 127.0.0.1:9): соединение сброшено прокси-сервером. Доставка неизвестна."),
            (outcome.Status, outcome.ErrorText));
    }

    [Fact]
    public async Task A_proxy_resetting_a_CONNECT_at_its_first_byte_is_named()
    {
        await using var proxy = ResettingProxy();
        var options = TestData.Options("https://127.0.0.1:9/", english: true);
        options.ProxyUrl = proxy.BaseUrl;
        options.MaxRetries = 2;
        using var client = new ConnectClient(options);
        var outcome = client.TrySendMessage(Message());
        // A broken CONNECT cannot be told from a tunnel that broke later: delivery unknown, one attempt, no retry.
        Assert.Equal((BridgeStatus.ConnectionFailed,
            $"The connection to the proxy 127.0.0.1:{proxy.Port} broke before an answer (on the way to 127.0.0.1:9): connection reset by the proxy. Delivery is unknown."),
            (outcome.Status, outcome.ErrorText));
        Assert.Equal(1, outcome.Attempts);
    }

    // ---- item 8: rows added one by one are counted within the keyboard ----

    [Fact]
    public void An_error_in_the_second_row_added_names_row_two()
    {
        using var sender = new BridgeSender();
        sender.Set(SenderSetting.Language, "en");
        Assert.True(sender.AddKeyboardRow("Yes|No").Succeeded);
        var outcome = sender.AddKeyboardRow("More|");
        Assert.Equal(BridgeStatus.InvalidArgument, outcome.Status);
        Assert.Contains("(row 2, button 2)", outcome.ErrorText, StringComparison.Ordinal);
        Assert.Single(sender.Keyboard!.Rows);
    }

    [Fact]
    public void A_separators_only_row_added_third_names_row_three_in_russian()
    {
        using var sender = new BridgeSender();
        Assert.True(sender.SetKeyboard("Да|Нет\nЕщё", KeyboardFormat.Rows).Succeeded);
        var outcome = sender.AddKeyboardRow("|");
        Assert.Equal(BridgeStatus.InvalidArgument, outcome.Status);
        Assert.Contains("(строка 3)", outcome.ErrorText, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_rows_in_one_argument_count_the_rows_the_keyboard_will_have_not_the_lines()
    {
        using var sender = new BridgeSender();
        sender.Set(SenderSetting.Language, "en");
        Assert.True(sender.AddKeyboardRow("A|B").Succeeded);
        // Blank lines are no rows: "Y|" would be the keyboard's third row (A|B, X, Y|).
        var outcome = sender.AddKeyboardRow("X\n\n\nY|");
        Assert.Contains("(row 3, button 2)", outcome.ErrorText, StringComparison.Ordinal);
    }

    [Fact]
    public void The_COM_sender_counts_rows_within_its_keyboard()
    {
        var sender = new Sender(_ => throw new InvalidOperationException("no send in this test"));
        sender.Language = "en";
        sender.KeyboardRows = "A|B";
        sender.AddKeyboardRow("C|D");
        sender.AddKeyboardRow("E||F");
        Assert.Equal(BridgeStatus.InvalidArgument, sender.LastStatusCode);
        Assert.Contains("(row 3, button 2)", sender.LastErrorText, StringComparison.Ordinal);
    }

    [Fact]
    public void The_whole_text_forms_still_count_the_lines_of_the_text()
    {
        using var sender = new BridgeSender();
        sender.Set(SenderSetting.Language, "en");
        var outcome = sender.SetKeyboard("A\n\nB|", KeyboardFormat.Rows);
        Assert.Contains("(row 3, button 2)", outcome.ErrorText, StringComparison.Ordinal);
    }
}
