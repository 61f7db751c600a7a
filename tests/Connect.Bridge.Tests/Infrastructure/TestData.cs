using Connect.Bridge.Emulator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Connect.Bridge.Tests.Infrastructure;

public static class TestData
{
    public const string LineId = "5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44";
    public const string UserId = "df4cca69-ce40-472e-9083-af9b279c72cc";
    public const string Login = "bot";

    /// <summary>A unique marker used as the password everywhere, so a leak can be searched for.</summary>
    public static readonly string Password = "pw-" + Guid.NewGuid().ToString("N");

    /// <summary>A valid message to the test line and user.</summary>
    public static LineMessage Message(string text = "Здравствуйте") => new(LineId, UserId, text);

    public static Task<EmulatorServer> StartEmulatorAsync(IReadOnlyCollection<string>? allowedLines = null) =>
        EmulatorServer.StartAsync(new EmulatorSettings
        {
            Login = Login, Password = Password, AllowedLines = allowedLines,
            OnLog = line => SecretWatch.Record("emulator log", line),
        });

    public static ConnectClientOptions Options(string baseUrl, ILogger? logger = null, bool english = false) => new()
    {
        Language = english ? ErrorLanguage.English : ErrorLanguage.Russian,
        BaseUrl = baseUrl,
        Login = Login,
        Password = Password,
        Timeout = TimeSpan.FromSeconds(10),
        RetryDelay = TimeSpan.FromMilliseconds(10),
        Logger = logger,
    };
}

/// <summary>The tests' logger: Microsoft's <see cref="FakeLogger"/>, every line also recorded for the final secrets scan.</summary>
public static class TestLog
{
    /// <summary>A logger that keeps every record and records each formatted line with <see cref="SecretWatch.Record"/>
    /// (never asserts inside the client's logging call: <see cref="SecretsScan"/> checks them after the last test).</summary>
    public static FakeLogger Create() => new(FakeLogCollector.Create(new FakeLogCollectorOptions
    {
        OutputFormatter = Line,
        OutputSink = line => SecretWatch.Record("client log", line),
    }));

    /// <summary>Every line logged so far, formatted as the secrets scan saw it.</summary>
    public static string[] Lines(this FakeLogger log) => [.. log.Collector.GetSnapshot().Select(Line)];

    private static string Line(FakeLogRecord record) => record.Message + (record.Exception is null ? "" : " " + record.Exception);
}
