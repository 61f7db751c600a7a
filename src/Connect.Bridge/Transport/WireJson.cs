using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Connect.Bridge;

/// <summary>The request body of SendMessageLine; written by <see cref="WireJson.Write(WireMessage)"/> (snake_case, unset optional fields omitted).</summary>
internal sealed class WireMessage
{
    public required string LineId { get; init; }
    public required string UserId { get; init; }
    public string? AuthorId { get; init; }
    public bool? GeneralSettings { get; init; }
    public required string Text { get; init; }
    public Keyboard? Keyboard { get; init; }
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

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    // The message body is written once per send: by hand, into a buffer and writer kept per thread (the serializer's
    // metadata path, which a property with its own converter forces, cost a fifth more in the send profile).
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;
    private const int KeptBufferBytes = 16 * 1024;

    /// <summary>The message body: the fields in the API's order, optional ones only when set, the keyboard's cached wire JSON.</summary>
    public static byte[] Write(WireMessage message)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        var w = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        buffer.ResetWrittenCount(); // also after a write that threw half-way
        w.Reset(buffer);
        w.WriteStartObject();
        w.WriteString("line_id"u8, message.LineId);
        w.WriteString("user_id"u8, message.UserId);
        if (message.AuthorId is { } author) w.WriteString("author_id"u8, author);
        if (message.GeneralSettings is { } general) w.WriteBoolean("general_settings"u8, general);
        w.WriteString("text"u8, message.Text);
        if (message.Keyboard is { } keyboard)
        {
            w.WritePropertyName("keyboard"u8);
            w.WriteRawValue(keyboard.WireUtf8, skipInputValidation: true);
        }
        w.WriteEndObject();
        w.Flush();
        byte[] body = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > KeptBufferBytes)
        {
            // A long text grew it: let it go rather than keep it for the life of the thread.
            t_buffer = null;
            t_writer = null;
        }
        return body;
    }
}
