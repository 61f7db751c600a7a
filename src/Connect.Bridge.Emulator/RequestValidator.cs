using System.Text;
using System.Text.Json;

namespace Connect.Bridge.Emulator;

/// <summary>The parsed, validated content of a request body.</summary>
internal sealed record ParsedBody(
    string LineId,
    Guid Line,
    string UserId,
    string? AuthorId,
    bool? GeneralSettings,
    string? Text,
    IReadOnlyList<IReadOnlyList<RecordedButton>>? Keyboard);

/// <summary>Validates request bodies the way push.1c-connect.com is documented to; errors name the field.</summary>
internal static class RequestValidator
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
        MaxDepth = 32,
    };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Checks the Content-Type header: application/json, optionally with charset=utf-8.</summary>
    public static string? CheckContentType(string? contentType)
    {
        const string expected = "Content-Type must be application/json";
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return expected;
        }

        if (!System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
            || !string.Equals(media.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return expected;
        }

        var charset = media.CharSet?.Trim('"');
        if (charset is not null
            && !string.Equals(charset, "utf-8", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(charset, "utf8", StringComparison.OrdinalIgnoreCase))
        {
            return "Content-Type charset must be utf-8";
        }

        return null;
    }

    /// <summary>Decodes the body as strict UTF-8 (no BOM).</summary>
    public static string? DecodeBody(ReadOnlySpan<byte> body, out string raw)
    {
        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            raw = Encoding.UTF8.GetString(body);
            return "body must not start with a byte order mark";
        }

        try
        {
            raw = StrictUtf8.GetString(body);
            return null;
        }
        catch (DecoderFallbackException)
        {
            raw = Encoding.UTF8.GetString(body);
            return "body is not valid UTF-8";
        }
    }

    /// <summary>Parses a SendMessageLine (<paramref name="isMessage"/>) or DropKeyboard body.</summary>
    public static string? Parse(ReadOnlyMemory<byte> body, bool isMessage, out ParsedBody? parsed)
    {
        parsed = null;
        if (body.IsEmpty)
        {
            return "body is empty";
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException ex)
        {
            return "body is not valid JSON: " + ex.Message;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return "body must be a JSON object";
            }

            var error = RequiredUuid(root, "line_id", out var lineId, out var line);
            if (error is not null)
            {
                return error;
            }

            error = RequiredUuid(root, "user_id", out var userId, out _);
            if (error is not null)
            {
                return error;
            }

            if (!isMessage)
            {
                parsed = new ParsedBody(lineId!, line, userId!, null, null, null, null);
                return null;
            }

            error = OptionalUuid(root, "author_id", out var authorId);
            if (error is not null)
            {
                return error;
            }

            error = OptionalBool(root, "general_settings", out var generalSettings);
            if (error is not null)
            {
                return error;
            }

            error = RequiredText(root, "text", out var text);
            if (error is not null)
            {
                return error;
            }

            error = OptionalKeyboard(root, out var keyboard);
            if (error is not null)
            {
                return error;
            }

            parsed = new ParsedBody(lineId!, line, userId!, authorId, generalSettings, text, keyboard);
            return null;
        }
    }

    /// <summary>True for the canonical 8-4-4-4-12 hex form (either case), with or without braces not allowed.</summary>
    public static bool TryParseUuid(string? value, out Guid guid)
    {
        guid = Guid.Empty;
        return value is not null && Guid.TryParseExact(value, "D", out guid);
    }

    private static string? RequiredUuid(JsonElement root, string name, out string? value, out Guid guid)
    {
        value = null;
        guid = Guid.Empty;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return $"{name} is required";
        }

        return ReadUuid(element, name, out value, out guid);
    }

    private static string? OptionalUuid(JsonElement root, string name, out string? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return ReadUuid(element, name, out value, out _);
    }

    private static string? ReadUuid(JsonElement element, string name, out string? value, out Guid guid)
    {
        value = null;
        guid = Guid.Empty;
        var message = $"{name} must be a UUID string";
        if (element.ValueKind != JsonValueKind.String)
        {
            return message;
        }

        if (ReadString(element) is not { } text || !TryParseUuid(text, out guid))
        {
            return message;
        }

        value = text;
        return null;
    }

    private static string? OptionalBool(JsonElement root, string name, out bool? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                value = true;
                return null;
            case JsonValueKind.False:
                value = false;
                return null;
            default:
                return $"{name} must be a boolean";
        }
    }

    private static string? RequiredText(JsonElement root, string name, out string? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return $"{name} is required";
        }

        return NonEmptyString(element, name, out value);
    }

    private static string? NonEmptyString(JsonElement element, string name, out string? value)
    {
        value = null;
        if (element.ValueKind != JsonValueKind.String)
        {
            return $"{name} must be a non-empty string";
        }

        var text = ReadString(element);
        if (text is null)
        {
            return $"{name} must be valid Unicode text";
        }

        if (text.Length == 0)
        {
            return $"{name} must be a non-empty string";
        }

        value = text;
        return null;
    }

    private static string? OptionalKeyboard(JsonElement root, out IReadOnlyList<IReadOnlyList<RecordedButton>>? keyboard)
    {
        keyboard = null;
        if (!root.TryGetProperty("keyboard", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            return "keyboard must be an array of rows";
        }

        var rows = new List<IReadOnlyList<RecordedButton>>(element.GetArrayLength());
        var r = 0;
        foreach (var rowElement in element.EnumerateArray())
        {
            if (rowElement.ValueKind != JsonValueKind.Array)
            {
                return $"keyboard[{r}] must be an array of buttons";
            }

            var row = new List<RecordedButton>(rowElement.GetArrayLength());
            var b = 0;
            foreach (var button in rowElement.EnumerateArray())
            {
                var path = $"keyboard[{r}][{b}]";
                if (button.ValueKind != JsonValueKind.Object)
                {
                    return $"{path} must be an object";
                }

                if (!button.TryGetProperty("text", out var textElement) || textElement.ValueKind == JsonValueKind.Null)
                {
                    return $"{path}.text is required";
                }

                var error = NonEmptyString(textElement, path + ".text", out var text);
                if (error is not null)
                {
                    return error;
                }

                string? id = null;
                if (button.TryGetProperty("id", out var idElement) && idElement.ValueKind != JsonValueKind.Null)
                {
                    if (idElement.ValueKind != JsonValueKind.String)
                    {
                        return $"{path}.id must be a string";
                    }

                    id = ReadString(idElement);
                    if (id is null)
                    {
                        return $"{path}.id must be valid Unicode text";
                    }
                }

                row.Add(new RecordedButton(text!, id));
                b++;
            }

            rows.Add(row);
            r++;
        }

        keyboard = rows;
        return null;
    }

    /// <summary>Reads a JSON string; null when it holds an escaped lone surrogate (not valid Unicode).</summary>
    private static string? ReadString(JsonElement element)
    {
        try
        {
            var text = element.GetString()!;
            return IsWellFormedUtf16(text) ? text : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool IsWellFormedUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
