using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Connect.Bridge.Emulator;

internal sealed record ErrorBody(string Error);

internal sealed record StatsBody(long Requests, long Accepted);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(StatsBody))]
[JsonSerializable(typeof(IReadOnlyList<RecordedCall>))]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext
{
    /// <summary>Snake-case names, non-ASCII written as raw UTF-8 (Cyrillic stays readable for C/Pascal harnesses).</summary>
    public static EmulatorJsonContext Output { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
