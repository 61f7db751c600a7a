using System.Net.Http.Headers;
using Connect.Bridge.Emulator;

namespace Connect.Bridge.IntegrationTests.Page;

/// <summary>An emulator with a unique password, a .NET API client for it and a raw HTTP client for requests the API refuses to build.</summary>
public sealed class ChatPageScene : IAsyncDisposable
{
    public const string Login = "bot";
    public const string LineId = "5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44";
    public const string UserId = "df4cca69-ce40-472e-9083-af9b279c72cc";
    public const string OtherUserId = "0b6c3c5e-7a4f-4d0f-9a55-3f1e2d4c5b6a";

    /// <summary>The seed's example keyboard (SendMessageLine.seed.txt): five buttons in three rows.</summary>
    public const string SeedKeyboardRows = "Первая|Вторая\nТретья|Четвертая\nПятая";

    private ChatPageScene(EmulatorServer emulator, string password)
    {
        Emulator = emulator;
        Password = password;
        Client = NewClient(password);
        Raw = new HttpClient { BaseAddress = emulator.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
    }

    public EmulatorServer Emulator { get; }

    /// <summary>A unique marker, so a leak into the page can be searched for.</summary>
    public string Password { get; }

    public ConnectClient Client { get; }

    public HttpClient Raw { get; }

    public string PageUrl => Emulator.BaseUrl.ToString();

    public static async Task<ChatPageScene> StartAsync()
    {
        string password = "pw-" + Guid.NewGuid().ToString("N");
        var emulator = await EmulatorServer.StartAsync(new EmulatorSettings { Login = Login, Password = password });
        return new ChatPageScene(emulator, password);
    }

    public ConnectClient NewClient(string password) => new(new ConnectClientOptions
    {
        BaseUrl = Emulator.BaseUrl.ToString(),
        Login = Login,
        Password = password,
        Timeout = TimeSpan.FromSeconds(10),
        MaxRetries = 0,
    });

    public Task<SendOutcome> SendSeedAsync(string text = "Текст сообщения", string? userId = null) =>
        SendAsync(text, Keyboard.Parse(SeedKeyboardRows, KeyboardFormat.Rows), userId);

    public Task<SendOutcome> SendAsync(string text, Keyboard? keyboard = null, string? userId = null) =>
        Client.TrySendMessageAsync(new LineMessage(LineId, userId ?? UserId, text) { Keyboard = keyboard });

    public Task<SendOutcome> DropKeyboardAsync(string? userId = null) => Client.TryDropKeyboardAsync(LineId, userId ?? UserId);

    /// <summary>A raw POST with valid credentials: for bodies the .NET API would refuse to send.</summary>
    public async Task<int> PostRawAsync(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Login}:{Password}")));
        using var response = await Raw.SendAsync(request);
        return (int)response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Raw.Dispose();
        await Emulator.DisposeAsync();
    }
}
