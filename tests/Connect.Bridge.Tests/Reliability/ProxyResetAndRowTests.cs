namespace Connect.Bridge.Tests.Reliability;

/// <summary>Issue 19, round three, items 5 and 8: each test failed before its fix.</summary>
public class ProxyResetAndRowTests
{
    // ---- item 5: a proxy that resets at its first byte is named as the proxy ----

    /// <summary>A proxy that reads the first byte of what the client sends (the request or the CONNECT) and resets.</summary>
    private static RawHttpServer ResettingProxy() => new(_ => RawReply.Status(200), null, new RawReply.Reset());

    /// <summary>One send to <paramref name="baseUrl"/> through <paramref name="proxy"/>.</summary>
    private static SendOutcome SendThrough(RawHttpServer proxy, string baseUrl, bool english, int maxRetries)
    {
        var options = TestData.Options(baseUrl, english: english);
        options.ProxyUrl = proxy.BaseUrl;
        options.MaxRetries = maxRetries;
        using var client = new ConnectClient(options);
        return client.TrySendMessage(TestData.Message());
    }

    [Fact]
    public async Task A_proxy_resetting_a_plain_request_at_its_first_byte_is_named()
    {
        await using var target = new RawHttpServer(RawReply.Status(200));
        await using var proxy = ResettingProxy();
        var outcome = SendThrough(proxy, target.BaseUrl, english: true, maxRetries: 0);
        Assert.Equal((BridgeStatus.ConnectionFailed,
            $"The connection to the proxy 127.0.0.1:{proxy.Port} broke before an answer (on the way to 127.0.0.1:{target.Port}): connection reset by the proxy. Delivery is unknown."),
            (outcome.Status, outcome.ErrorText));
        Assert.True(proxy.Connections >= 1);
        Assert.Equal(0, target.Requests);
    }

    /// <summary>
    /// To a closed port behind the proxy: a plain request in Russian, and a CONNECT (https), which cannot be told from a
    /// tunnel that broke later: delivery unknown, one attempt, no retry although two are allowed.
    /// </summary>
    [Theory]
    [InlineData("http", false, 0, "Соединение с прокси-сервером 127.0.0.1:{0} прервано до получения ответа (по пути к 127.0.0.1:9): соединение сброшено прокси-сервером. Доставка неизвестна.")]
    [InlineData("https", true, 2, "The connection to the proxy 127.0.0.1:{0} broke before an answer (on the way to 127.0.0.1:9): connection reset by the proxy. Delivery is unknown.")]
    public async Task A_proxy_resetting_at_its_first_byte_is_named(string scheme, bool english, int maxRetries, string expected)
    {
        await using var proxy = ResettingProxy();
        var outcome = SendThrough(proxy, scheme + "://127.0.0.1:9/", english, maxRetries);
        Assert.Equal((BridgeStatus.ConnectionFailed, string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, proxy.Port)),
            (outcome.Status, outcome.ErrorText));
        Assert.Equal(1, outcome.Attempts);
    }

    // ---- item 8: rows added one by one are counted within the keyboard ----

    /// <summary>
    /// A bad row added after <paramref name="before"/> (set whole, or added as a row) is named by its row in the
    /// keyboard: the second row added; a separators-only row added third (Russian); several rows in one argument count
    /// the rows the keyboard will have, not the lines (blank lines are no rows: "Y|" would be the third row: A|B, X, Y|).
    /// The refused row is not added.
    /// </summary>
    [Theory]
    [InlineData("en", "Yes|No", false, "More|", "(row 2, button 2)")]
    [InlineData("ru", "Да|Нет\nЕщё", true, "|", "(строка 3)")]
    [InlineData("en", "A|B", false, "X\n\n\nY|", "(row 3, button 2)")]
    public void A_bad_row_added_is_named_by_its_row_in_the_keyboard(string language, string before, bool setWhole, string added, string named)
    {
        using var sender = new BridgeSender();
        sender.Set(SenderSetting.Language, language);
        Assert.True((setWhole ? sender.SetKeyboard(before, KeyboardFormat.Rows) : sender.AddKeyboardRow(before)).Succeeded);
        int rows = sender.Keyboard!.Rows.Count;
        var outcome = sender.AddKeyboardRow(added);
        Assert.Equal(BridgeStatus.InvalidArgument, outcome.Status);
        Assert.Contains(named, outcome.ErrorText, StringComparison.Ordinal);
        Assert.Equal(rows, sender.Keyboard!.Rows.Count);
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
