using System.Text;

namespace Connect.Bridge.Tests.Reliability;

/// <summary>
/// Every limit in <see cref="Limits"/> at its boundary: the value at the limit is accepted, one more is rejected with
/// the limit's own text, on every path that checks it (both keyboard forms, a keyboard built in code, rows added one
/// by one). Lengths are UTF-16 code units, as the README says "characters".
/// </summary>
public class LimitTests
{
    private static string Caption(int length) => new('Ж', length);

    private static string RowsKeyboard(int rows, int buttons, int captionLength) =>
        string.Join("\n", Enumerable.Range(0, rows).Select(_ => string.Join("|", Enumerable.Range(0, buttons).Select(_ => Caption(captionLength)))));

    private static string JsonKeyboard(int rows, int buttons, int captionLength) =>
        "[" + string.Join(",", Enumerable.Range(0, rows).Select(_ => "[" + string.Join(",", Enumerable.Range(0, buttons).Select(_ => $"\"{Caption(captionLength)}\"")) + "]")) + "]";

    private static Keyboard Built(int rows, int buttons, int captionLength, string? id = null) =>
        new(Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, buttons).Select(_ => new KeyboardButton(Caption(captionLength), id))));

    private static string? Error(string text, KeyboardFormat format) =>
        Keyboard.TryParse(text, format, out _, out var error, ErrorLanguage.English) ? null : error;

    private static string? ClientError(Keyboard keyboard)
    {
        using var client = new ConnectClient(TestData.Options("http://127.0.0.1:9/", english: true));
        // A valid message would be sent (and fail to connect, -2); an invalid one is -1 before any connection.
        var outcome = client.TrySendMessage(new LineMessage(TestData.LineId, TestData.UserId, "x") { Keyboard = keyboard });
        SecretWatch.Capture("limits", outcome);
        return outcome.Status == BridgeStatus.InvalidArgument ? outcome.ErrorText : null;
    }

    public static TheoryData<KeyboardFormat> Forms => new() { KeyboardFormat.Rows, KeyboardFormat.Json };

    private static string Make(KeyboardFormat format, int rows, int buttons, int captionLength) =>
        format == KeyboardFormat.Rows ? RowsKeyboard(rows, buttons, captionLength) : JsonKeyboard(rows, buttons, captionLength);

    [Theory]
    [MemberData(nameof(Forms))]
    public void Rows_limit(KeyboardFormat format)
    {
        Assert.Null(Error(Make(format, Limits.MaxKeyboardRows, 1, 1), format));
        Assert.Equal($"Invalid keyboard (row {Limits.MaxKeyboardRows + 1}): more than {Limits.MaxKeyboardRows} rows.",
            Error(Make(format, Limits.MaxKeyboardRows + 1, 1, 1), format));
        Assert.Null(ClientError(Built(Limits.MaxKeyboardRows, 1, 1)));
        Assert.Equal($"Invalid keyboard (row {Limits.MaxKeyboardRows + 1}): more than {Limits.MaxKeyboardRows} rows.", ClientError(Built(Limits.MaxKeyboardRows + 1, 1, 1)));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Buttons_per_row_limit(KeyboardFormat format)
    {
        Assert.Null(Error(Make(format, 1, Limits.MaxButtonsPerRow, 1), format));
        string expected = $"Invalid keyboard (row 1, button {Limits.MaxButtonsPerRow + 1}): more than {Limits.MaxButtonsPerRow} buttons in a row.";
        Assert.Equal(expected, Error(Make(format, 1, Limits.MaxButtonsPerRow + 1, 1), format));
        Assert.Null(ClientError(Built(1, Limits.MaxButtonsPerRow, 1)));
        Assert.Equal(expected, ClientError(Built(1, Limits.MaxButtonsPerRow + 1, 1)));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Button_text_limit(KeyboardFormat format)
    {
        Assert.Null(Error(Make(format, 1, 1, Limits.MaxButtonTextLength), format));
        string expected = $"Invalid keyboard (row 1, button 1): button text longer than {Limits.MaxButtonTextLength} characters.";
        Assert.Equal(expected, Error(Make(format, 1, 1, Limits.MaxButtonTextLength + 1), format));
        Assert.Null(ClientError(Built(1, 1, Limits.MaxButtonTextLength)));
        Assert.Equal(expected, ClientError(Built(1, 1, Limits.MaxButtonTextLength + 1)));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Button_text_limit_counts_utf16_units(KeyboardFormat format)
    {
        string emoji = string.Concat(Enumerable.Repeat("😀", Limits.MaxButtonTextLength / 2)); // exactly the limit in UTF-16 units
        string text(string caption) => format == KeyboardFormat.Rows ? caption : $"[[\"{caption}\"]]";
        Assert.Null(Error(text(emoji), format));
        Assert.NotNull(Error(text(emoji + "😀"), format));
    }

    [Fact]
    public void The_full_keyboard_at_every_limit_is_accepted_and_sent()
    {
        // 20 rows x 8 buttons x 128 characters: all limits at once (about 20 KiB of rows text, 41 KiB as JSON).
        var rows = Keyboard.Parse(RowsKeyboard(Limits.MaxKeyboardRows, Limits.MaxButtonsPerRow, Limits.MaxButtonTextLength), KeyboardFormat.Rows);
        var json = Keyboard.Parse(JsonKeyboard(Limits.MaxKeyboardRows, Limits.MaxButtonsPerRow, Limits.MaxButtonTextLength), KeyboardFormat.Json);
        Assert.Equal(rows, json);
        Assert.Null(ClientError(rows));
    }

    [Fact]
    public void Button_id_limit()
    {
        string json(int idLength) => $"[[{{\"text\":\"A\",\"id\":\"{new string('x', idLength)}\"}}]]";
        Assert.Null(Error(json(Limits.MaxButtonIdLength), KeyboardFormat.Json));
        string expected = $"Invalid keyboard (row 1, button 1): button id longer than {Limits.MaxButtonIdLength} characters.";
        Assert.Equal(expected, Error(json(Limits.MaxButtonIdLength + 1), KeyboardFormat.Json));
        Assert.Null(ClientError(Built(1, 1, 1, new string('x', Limits.MaxButtonIdLength))));
        Assert.Equal(expected, ClientError(Built(1, 1, 1, new string('x', Limits.MaxButtonIdLength + 1))));
    }

    [Theory]
    [InlineData(KeyboardFormat.Rows)]
    [InlineData(KeyboardFormat.Json)]
    [InlineData(KeyboardFormat.Auto)]
    public void Keyboard_text_limit(KeyboardFormat format)
    {
        // A valid keyboard padded with trailing whitespace to exactly the limit, then one character more.
        string core = format == KeyboardFormat.Rows ? "A" : "[[\"A\"]]";
        string atLimit = core + new string(' ', Limits.MaxKeyboardTextLength - core.Length);
        Assert.Equal(Limits.MaxKeyboardTextLength, atLimit.Length);
        Assert.Null(Error(atLimit, format));
        Assert.Equal($"Invalid keyboard: the keyboard text is longer than {Limits.MaxKeyboardTextLength} characters.", Error(atLimit + " ", format));
    }

    [Fact]
    public void Rows_added_one_by_one_stop_at_the_row_limit()
    {
        using var sender = new BridgeSender();
        for (int i = 0; i < Limits.MaxKeyboardRows; i++)
            Assert.True(sender.AddKeyboardRow("A|B").Succeeded, $"row {i + 1}");
        var outcome = sender.AddKeyboardRow("C");
        Assert.Equal(BridgeStatus.InvalidArgument, outcome.Status);
        Assert.Equal($"Неверная клавиатура (строка {Limits.MaxKeyboardRows + 1}): больше {Limits.MaxKeyboardRows} строк.", outcome.ErrorText);
        Assert.Equal(Limits.MaxKeyboardRows, sender.Keyboard!.Rows.Count); // the keyboard stays as it was
    }

    [Fact]
    public async Task Text_limit_over_the_wire()
    {
        await using var emulator = await TestData.StartEmulatorAsync();
        using var client = new ConnectClient(TestData.Options(emulator.BaseUrl.ToString(), english: true));
        var ok = await client.TrySendMessageAsync(new LineMessage(TestData.LineId, TestData.UserId, new string('я', Limits.MaxTextLength)));
        Assert.Equal(200, ok.Status);
        Assert.Equal(Limits.MaxTextLength, Assert.Single(emulator.Calls).Text!.Length);
        var over = await client.TrySendMessageAsync(new LineMessage(TestData.LineId, TestData.UserId, new string('я', Limits.MaxTextLength + 1)));
        Assert.Equal($"Invalid argument: the message text of {Limits.MaxTextLength + 1} characters exceeds the limit of {Limits.MaxTextLength}.", over.ErrorText);
        Assert.Equal(1, emulator.RequestCount);
    }

    [Theory]
    [InlineData(0, "HTTP 400: the request contains an error. Server says: \"bad\".")]  // the whole JSON error fits: the server's text is shown
    [InlineData(1, "HTTP 400: the request contains an error.")]                       // one byte more: the JSON is cut, only the status meaning
    public async Task Error_body_limit(int overLimit, string expected)
    {
        // A JSON error padded with spaces to exactly MaxErrorBodyBytes (+ overLimit): its closing brace is the last byte.
        string json = "{\"error\":\"bad\"" + new string(' ', Limits.MaxErrorBodyBytes + overLimit - "{\"error\":\"bad\"}".Length) + "}";
        Assert.Equal(Limits.MaxErrorBodyBytes + overLimit, Encoding.UTF8.GetByteCount(json));
        await using var server = new RawHttpServer(RawReply.Status(400, json));
        using var client = new ConnectClient(TestData.Options(server.BaseUrl, english: true));
        var outcome = await client.TrySendMessageAsync(new LineMessage(TestData.LineId, TestData.UserId, "x"));
        Assert.Equal(expected, outcome.ErrorText);
        Assert.Equal(Limits.MaxErrorBodyBytes, outcome.ResponseBody!.Length);
    }
}
