namespace Connect.Bridge;

/// <summary>Checks a message before anything is sent and builds its wire form with canonical ids.</summary>
internal static class MessageValidator
{
    /// <summary>Parses a UUID in any standard textual form (D, N, B, P) into canonical lowercase 8-4-4-4-12.</summary>
    public static bool TryCanonicalUuid(string? value, out string canonical)
    {
        canonical = "";
        if (value is null) return false;
        var span = value.AsSpan().Trim();
        foreach (var format in (ReadOnlySpan<string>)["D", "N", "B", "P"])
        {
            if (Guid.TryParseExact(span, format, out var guid))
            {
                // An id already in canonical form (what a caller usually passes, once per send) is kept, not copied.
                canonical = span.Length == value.Length && format == "D" && !value.AsSpan().ContainsAnyInRange('A', 'F') ? value : guid.ToString("D");
                return true;
            }
        }
        return false;
    }

    public static string? CheckUuid(string field, string? value, ErrorLanguage l, out string canonical)
    {
        if (string.IsNullOrEmpty(value)) { canonical = ""; return Texts.Missing(field, l); }
        return TryCanonicalUuid(value, out canonical) ? null : Texts.NotUuid(field, value, l);
    }

    public static string? CheckText(string? text, ErrorLanguage l)
    {
        if (text is null) return Texts.Missing("text", l);
        if (text.Contains('\0')) return Texts.TextHasNul("text", l);
        if (string.IsNullOrWhiteSpace(text)) return Texts.EmptyText(l);
        if (!TextRules.IsWellFormed(text)) return Texts.TextInvalidUnicode("text", l);
        if (text.Length > Limits.MaxTextLength) return Texts.TextTooLong(text.Length, l);
        return null;
    }

    public static string? Validate(LineMessage message, ErrorLanguage l, out WireMessage? wire)
    {
        wire = null;
        string? error = CheckUuid("line_id", message.LineId, l, out var lineId);
        if (error is not null) return error;
        error = CheckUuid("user_id", message.UserId, l, out var userId) ?? CheckText(message.Text, l);
        if (error is not null) return error;
        string? authorId = null;
        if (!string.IsNullOrEmpty(message.AuthorId))
        {
            error = CheckUuid("author_id", message.AuthorId, l, out var canonical);
            if (error is not null) return error;
            authorId = canonical;
        }
        if (message.Keyboard?.Validity is { } keyboardError)
            return Texts.Keyboard(keyboardError, l);
        wire = new WireMessage
        {
            LineId = lineId,
            UserId = userId,
            AuthorId = authorId,
            GeneralSettings = message.GeneralSettings,
            Text = message.Text,
            Keyboard = message.Keyboard,
        };
        return null;
    }

    public static string? ValidateDrop(string? lineId, string? userId, ErrorLanguage l, out WireDropKeyboard? wire)
    {
        wire = null;
        string? error = CheckUuid("line_id", lineId, l, out var line);
        if (error is not null) return error;
        error = CheckUuid("user_id", userId, l, out var user);
        if (error is not null) return error;
        wire = new WireDropKeyboard { LineId = line, UserId = user };
        return null;
    }
}
