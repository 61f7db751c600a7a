using System.Text;
using System.Text.Json;

namespace Connect.Bridge;

/// <summary>Parses both keyboard text forms into a <see cref="Keyboard"/>, or a <see cref="KeyboardError"/> that says where.</summary>
internal static class KeyboardParser
{
    public static KeyboardParseResult Parse(string text, KeyboardFormat format)
    {
        if (text.Length > Limits.MaxKeyboardTextLength)
            return new KeyboardError(KeyboardErrorKind.InputTooLong, Detail: Limits.MaxKeyboardTextLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (format == KeyboardFormat.Auto)
            format = LooksLikeJson(text) ? KeyboardFormat.Json : KeyboardFormat.Rows;
        var result = format switch
        {
            KeyboardFormat.Json => ParseJson(text),
            KeyboardFormat.Rows => ParseRows(text),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        return result.Keyboard is null ? result : CheckLimits(result.Keyboard);
    }

    private static bool LooksLikeJson(string text)
    {
        foreach (char c in text)
            if (!char.IsWhiteSpace(c)) return c == '[';
        return false;
    }

    // ---- rows form -------------------------------------------------------------------------

    /// <summary>Parses one row per line. Line numbers in errors count every physical line, blank ones too.</summary>
    /// <param name="text">The rows text.</param>
    /// <param name="rowsBefore">
    /// When the rows are appended to a keyboard that already has this many rows (AddKeyboardRow): errors then name
    /// the row of that keyboard the user would see (blank lines are no rows), not the line of the argument.
    /// </param>
    public static KeyboardParseResult ParseRows(string text, int? rowsBefore = null)
    {
        var rows = new List<IReadOnlyList<KeyboardButton>>();
        var buttons = new List<KeyboardButton>();
        var current = new StringBuilder();
        int line = 0, pos = 0;
        while (pos <= text.Length)
        {
            int end = pos;
            while (end < text.Length && text[end] != '\n' && text[end] != '\r') end++;
            line++;
            int where = rowsBefore is { } before ? before + rows.Count + 1 : line;
            var error = ParseRow(text.AsSpan(pos, end - pos), where, buttons, current);
            if (error is not null) return error;
            if (buttons.Count > 0)
            {
                rows.Add(buttons.ToArray());
                buttons.Clear();
            }
            if (end >= text.Length) break;
            pos = end + (text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? 2 : 1);
            if (pos == text.Length) break;
        }
        return rows.Count == 0 ? new KeyboardError(KeyboardErrorKind.NoRows) : new Keyboard(rows);
    }

    private static KeyboardError? ParseRow(ReadOnlySpan<char> row, int line, List<KeyboardButton> buttons, StringBuilder current)
    {
        if (row.IsWhiteSpace()) return null;
        current.Clear();
        int buttonNo = 1, nonEmpty = 0;
        var pending = new List<(string Text, int No)>();
        for (int i = 0; i <= row.Length; i++)
        {
            if (i == row.Length || row[i] == '|')
            {
                string caption = current.ToString().Trim();
                if (caption.Length > 0) nonEmpty++;
                pending.Add((caption, buttonNo++));
                current.Clear();
                continue;
            }
            char c = row[i];
            // "\|" and "\\" are escapes; any other backslash is kept as it is (Windows paths stay readable).
            if (c == '\\' && i + 1 < row.Length && (row[i + 1] == '|' || row[i + 1] == '\\'))
                c = row[++i];
            current.Append(c);
        }
        if (nonEmpty == 0) return new KeyboardError(KeyboardErrorKind.SeparatorsOnly, line);
        foreach (var (caption, no) in pending)
        {
            if (CheckCaption(caption, line, no) is { } bad) return bad;
            buttons.Add(new KeyboardButton(caption));
        }
        return null;
    }

    // ---- JSON form -------------------------------------------------------------------------

    public static KeyboardParseResult ParseJson(string text)
    {
        if (!TextRules.IsWellFormed(text))
            return new KeyboardError(KeyboardErrorKind.InvalidUnicode, Position: TextRules.FirstMalformedIndex(text) + 1);
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 8 });
        try
        {
            return ParseJson(ref reader);
        }
        catch (JsonException ex)
        {
            return new KeyboardError(KeyboardErrorKind.JsonSyntax, Position: CharPosition(utf8, ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0));
        }
    }

    private static KeyboardParseResult ParseJson(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            return new KeyboardError(KeyboardErrorKind.NotArray);
        var rows = new List<IReadOnlyList<KeyboardButton>>();
        var buttons = new List<KeyboardButton>();
        while (true)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.EndArray) break;
            int rowNo = rows.Count + 1;
            if (reader.TokenType != JsonTokenType.StartArray)
                return new KeyboardError(KeyboardErrorKind.RowNotArray, rowNo);
            buttons.Clear();
            while (true)
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.EndArray) break;
                int buttonNo = buttons.Count + 1;
                var (button, error) = reader.TokenType switch
                {
                    JsonTokenType.String => ReadCaption(ref reader, rowNo, buttonNo),
                    JsonTokenType.StartObject => ReadButtonObject(ref reader, rowNo, buttonNo),
                    _ => (null, new KeyboardError(KeyboardErrorKind.ButtonWrongType, rowNo, buttonNo)),
                };
                if (error is not null) return error;
                buttons.Add(button!);
            }
            if (buttons.Count == 0) return new KeyboardError(KeyboardErrorKind.EmptyRow, rowNo);
            rows.Add(buttons.ToArray());
        }
        if (reader.Read()) // a second top-level value
            return new KeyboardError(KeyboardErrorKind.JsonSyntax, Position: reader.TokenStartIndex + 1);
        return rows.Count == 0 ? new KeyboardError(KeyboardErrorKind.NoRows) : new Keyboard(rows);
    }

    private static (KeyboardButton?, KeyboardError?) ReadCaption(ref Utf8JsonReader reader, int row, int button)
    {
        var (text, error) = ReadString(ref reader, row, button);
        if (error is not null) return (null, error);
        return CheckCaption(text!, row, button) is { } bad ? (null, bad) : (new KeyboardButton(text!), null);
    }

    private static (KeyboardButton?, KeyboardError?) ReadButtonObject(ref Utf8JsonReader reader, int row, int button)
    {
        string? text = null, id = null;
        while (true)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.EndObject) break;
            bool isText = reader.ValueTextEquals("text"u8), isId = reader.ValueTextEquals("id"u8);
            string name = reader.GetString()!;
            reader.Read();
            if (isText)
            {
                if (reader.TokenType != JsonTokenType.String) return (null, new KeyboardError(KeyboardErrorKind.TextNotString, row, button));
                var (value, error) = ReadString(ref reader, row, button);
                if (error is not null) return (null, error);
                text = value;
            }
            else if (isId)
            {
                if (reader.TokenType == JsonTokenType.Null) { id = null; continue; }
                if (reader.TokenType != JsonTokenType.String) return (null, new KeyboardError(KeyboardErrorKind.IdNotString, row, button));
                var (value, error) = ReadString(ref reader, row, button);
                if (error is not null) return (null, error);
                if (value!.Length > Limits.MaxButtonIdLength) return (null, new KeyboardError(KeyboardErrorKind.ButtonIdTooLong, row, button));
                id = value;
            }
            else
            {
                return (null, new KeyboardError(KeyboardErrorKind.UnknownProperty, row, button, Detail: TextRules.Excerpt(name)));
            }
        }
        if (text is null) return (null, new KeyboardError(KeyboardErrorKind.EmptyButtonText, row, button));
        return CheckCaption(text, row, button) is { } bad ? (null, bad) : (new KeyboardButton(text, id), null);
    }

    private static (string?, KeyboardError?) ReadString(ref Utf8JsonReader reader, int row, int button)
    {
        try
        {
            return (reader.GetString(), null);
        }
        catch (InvalidOperationException) // an escaped lone surrogate such as "\ud800"
        {
            return (null, new KeyboardError(KeyboardErrorKind.InvalidUnicode, row, button));
        }
    }

    private static KeyboardError? CheckCaption(string text, int row, int button)
    {
        if (string.IsNullOrWhiteSpace(text)) return new KeyboardError(KeyboardErrorKind.EmptyButtonText, row, button);
        if (!TextRules.IsWellFormed(text)) return new KeyboardError(KeyboardErrorKind.InvalidUnicode, row, button);
        if (text.Contains('\0')) return new KeyboardError(KeyboardErrorKind.NulCharacter, row, button);
        return null;
    }

    /// <summary>Checks a keyboard built in code by the same rules the parsers apply.</summary>
    public static KeyboardError? Check(Keyboard keyboard)
    {
        if (keyboard.Rows.Count == 0) return new KeyboardError(KeyboardErrorKind.NoRows);
        for (int r = 0; r < keyboard.Rows.Count; r++)
        {
            var row = keyboard.Rows[r];
            if (row.Count == 0) return new KeyboardError(KeyboardErrorKind.EmptyRow, r + 1);
            for (int b = 0; b < row.Count; b++)
            {
                if (row[b] is null) return new KeyboardError(KeyboardErrorKind.ButtonWrongType, r + 1, b + 1);
                if (CheckCaption(row[b].Text ?? "", r + 1, b + 1) is { } bad) return bad;
                if (row[b].Id?.Length > Limits.MaxButtonIdLength) return new KeyboardError(KeyboardErrorKind.ButtonIdTooLong, r + 1, b + 1);
            }
        }
        return CheckLimits(keyboard).Error;
    }

    private static KeyboardParseResult CheckLimits(Keyboard keyboard)
    {
        if (keyboard.Rows.Count > Limits.MaxKeyboardRows) return new KeyboardError(KeyboardErrorKind.TooManyRows, Limits.MaxKeyboardRows + 1);
        for (int r = 0; r < keyboard.Rows.Count; r++)
        {
            var row = keyboard.Rows[r];
            if (row.Count > Limits.MaxButtonsPerRow) return new KeyboardError(KeyboardErrorKind.TooManyButtons, r + 1, Limits.MaxButtonsPerRow + 1);
            for (int b = 0; b < row.Count; b++)
                if (row[b].Text.Length > Limits.MaxButtonTextLength) return new KeyboardError(KeyboardErrorKind.ButtonTextTooLong, r + 1, b + 1);
        }
        return keyboard;
    }

    private static long CharPosition(byte[] utf8, long line, long bytePositionInLine)
    {
        int offset = 0;
        for (long l = 0; l < line && offset < utf8.Length; offset++)
            if (utf8[offset] == (byte)'\n') l++;
        int end = (int)Math.Min(utf8.Length, offset + bytePositionInLine);
        return Encoding.UTF8.GetCharCount(utf8, 0, end) + 1;
    }
}
