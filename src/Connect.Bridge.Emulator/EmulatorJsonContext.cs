using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace Connect.Bridge.Emulator;

internal sealed record ErrorBody(string Error);

internal sealed record StatsBody(long Requests, long Accepted);

internal sealed record PressRequest(long Seq, int Row, int Column);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(StatsBody))]
[JsonSerializable(typeof(PressRequest))]
[JsonSerializable(typeof(IReadOnlyList<RecordedCall>))]
[JsonSerializable(typeof(EmulatorEvent))]
[JsonSerializable(typeof(IReadOnlyList<EmulatorEvent>))]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext
{
    /// <summary>Snake-case names, non-ASCII written as raw UTF-8 (Cyrillic stays readable for C/Pascal harnesses).</summary>
    public static EmulatorJsonContext Output { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>
    /// The page's journal: like <see cref="Output"/> but without the fields that do not apply to an event's kind, and with
    /// an encoder that keeps Cyrillic readable but escapes &lt; &gt; &amp; and quotes, so the JSON is inert wherever it lands.
    /// </summary>
    public static EmulatorJsonContext Events { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });
}
