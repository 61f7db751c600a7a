using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Connect.Bridge;

/// <summary>The request body exactly as the API names it (snake_case; unset optional fields omitted).</summary>
internal sealed class WireMessage
{
    [JsonPropertyName("line_id")] public required string LineId { get; init; }
    [JsonPropertyName("user_id")] public required string UserId { get; init; }
    [JsonPropertyName("author_id")] public string? AuthorId { get; init; }
    [JsonPropertyName("general_settings")] public bool? GeneralSettings { get; init; }
    [JsonPropertyName("text")] public required string Text { get; init; }
    [JsonPropertyName("keyboard"), JsonConverter(typeof(KeyboardWireConverter))] public Keyboard? Keyboard { get; init; }
}

/// <summary>Writes a keyboard's cached wire JSON into the message body.</summary>
internal sealed class KeyboardWireConverter : JsonConverter<Keyboard>
{
    public override Keyboard Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException();

    public override void Write(Utf8JsonWriter writer, Keyboard value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.WireUtf8, skipInputValidation: true);
}

internal sealed class WireDropKeyboard
{
    [JsonPropertyName("line_id")] public required string LineId { get; init; }
    [JsonPropertyName("user_id")] public required string UserId { get; init; }
}

internal sealed class WireButton
{
    [JsonPropertyName("text")] public required string Text { get; init; }
    [JsonPropertyName("id")] public string? Id { get; init; }
}

/// <summary>The error body some answers carry: <c>{"error":"..."}</c>.</summary>
internal sealed class WireError
{
    [JsonPropertyName("error")] public string? Error { get; init; }
}

internal static class WireKeyboard
{
    public static List<List<WireButton>> From(Keyboard keyboard)
    {
        var rows = new List<List<WireButton>>(keyboard.Rows.Count);
        foreach (var row in keyboard.Rows)
        {
            var wireRow = new List<WireButton>(row.Count);
            foreach (var b in row) wireRow.Add(new WireButton { Text = b.Text, Id = b.Id });
            rows.Add(wireRow);
        }
        return rows;
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WireMessage))]
[JsonSerializable(typeof(WireDropKeyboard))]
[JsonSerializable(typeof(WireError))]
[JsonSerializable(typeof(List<List<WireButton>>))]
internal sealed partial class WireJsonContext : JsonSerializerContext;

internal static class WireJson
{
    /// <summary>Source-generated context that writes Cyrillic (and all other text) as raw UTF-8, not \u escapes.</summary>
    public static readonly WireJsonContext Context = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
