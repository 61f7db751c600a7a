using System.Net.Http.Json;
using System.Text.Json;

namespace Connect.Bridge.PackageTests;

/// <summary>The emulator's record of accepted calls (GET /emulator/messages), read over HTTP like any client would.</summary>
internal static class EmulatorRecords
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task<IReadOnlyList<Recorded>> ReadAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(ConsumerHost.EmulatorUrl.TrimEnd('/') + "/") };
        return await http.GetFromJsonAsync<List<Recorded>>("emulator/messages", Json) ?? [];
    }

    public sealed record Recorded(string Kind, string LineId, string UserId, string? Text, string? AuthorizationScheme);
}
