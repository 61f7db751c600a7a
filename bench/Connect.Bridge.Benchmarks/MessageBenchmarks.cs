using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace Connect.Bridge.Benchmarks;

/// <summary>
/// Managed allocations of one send: building and serialising a message with a 5-button keyboard, and a whole
/// send through <see cref="ConnectClient"/> over an in-memory handler (no socket), next to the same request
/// written by hand with a raw HttpClient.
/// </summary>
[MemoryDiagnoser]
public class MessageBenchmarks
{
    private const string Line = "3f2b8c1e-6a4d-4e5f-9b7a-1c2d3e4f5a6b";
    private const string User = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    private const string Text = "Здравствуйте! Это сообщение бенчмарка.";

    private static readonly string[][] Captions = [["Да", "Нет", "Не знаю"], ["Позвать оператора", "Отмена"]];

    // ConnectClient.SerializeMessage is internal (validate + serialise exactly as a send does); bound once.
    private static readonly Func<LineMessage, ErrorLanguage, byte[]?> Serialize =
        typeof(ConnectClient).GetMethod("SerializeMessage", BindingFlags.NonPublic | BindingFlags.Static)?
            .CreateDelegate<Func<LineMessage, ErrorLanguage, byte[]?>>()
        ?? throw new InvalidOperationException("ConnectClient.SerializeMessage(LineMessage, ErrorLanguage) not found");

    private LineMessage _message = null!;
    private ConnectClient _client = null!;
    private HttpClient _raw = null!;
    private Uri _rawUri = null!;
    private readonly MediaTypeHeaderValue _json = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");

    [GlobalSetup]
    public void Setup()
    {
        _message = Build();
        var handler = new OkHandler();
        _client = new ConnectClient(new HttpClient(handler), new ConnectClientOptions
        {
            BaseUrl = "http://127.0.0.1:9/", Login = "bot", Password = "secret", Language = ErrorLanguage.English,
        });
        _raw = new HttpClient(handler);
        _raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("bot:secret"u8));
        _raw.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _rawUri = new Uri("http://127.0.0.1:9/v1/line/send/message/");
        if (Serialize(_message, ErrorLanguage.English) is null) throw new InvalidOperationException("benchmark message is invalid");
        if (!_client.TrySendMessage(_message).IsSuccess) throw new InvalidOperationException("stub send failed");
        if (!RawBody().AsSpan().SequenceEqual(Serialize(_message, ErrorLanguage.English)))
            throw new InvalidOperationException("the raw body differs from the library's");
    }

    private static LineMessage Build()
    {
        var rows = new KeyboardButton[Captions.Length][];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = new KeyboardButton[Captions[r].Length];
            for (int b = 0; b < rows[r].Length; b++) rows[r][b] = new KeyboardButton(Captions[r][b]);
        }
        return new LineMessage(Line, User, Text) { Keyboard = new Keyboard(rows) };
    }

    /// <summary>Validation + serialisation of a ready message (what each send costs when the keyboard is set once).</summary>
    [Benchmark(Description = "serialise message (5-button keyboard)")]
    public byte[]? SerialiseMessage() => Serialize(_message, ErrorLanguage.English);

    /// <summary>Building the message and its keyboard in code, then validating and serialising it.</summary>
    [Benchmark(Description = "build + serialise message (5-button keyboard)")]
    public byte[]? BuildAndSerialise() => Serialize(Build(), ErrorLanguage.English);

    /// <summary>A whole send through the .NET API over an in-memory handler: everything but the socket.</summary>
    [Benchmark(Description = "ConnectClient send, in-memory handler")]
    public async Task<int> ClientSend() => (await _client.TrySendMessageAsync(_message).ConfigureAwait(false)).Status;

    /// <summary>
    /// The same send written by hand with a raw HttpClient, over the same handler: the body built with Utf8JsonWriter
    /// (the same bytes), no validation, no retry pipeline, no timeout (as in bench/Bench.RawHttpClient).
    /// </summary>
    [Benchmark(Baseline = true, Description = "raw HttpClient send, in-memory handler")]
    public async Task<int> RawSend()
    {
        using var content = new ByteArrayContent(RawBody());
        content.Headers.ContentType = _json;
        using var response = await _raw.PostAsync(_rawUri, content).ConfigureAwait(false);
        return (int)response.StatusCode;
    }

    private static byte[] RawBody() => Connect.Bridge.Bench.RawBody.Write(Line, User, Text, Captions);

    /// <summary>Answers 200 with no body, like the API on success, without touching the network.</summary>
    private sealed class OkHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Send(request, cancellationToken));

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
            new(HttpStatusCode.OK) { RequestMessage = request };
    }
}
