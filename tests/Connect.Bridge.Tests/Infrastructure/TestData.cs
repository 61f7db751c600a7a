using System.Collections.Concurrent;
using Connect.Bridge.Emulator;
using Microsoft.Extensions.Logging;

namespace Connect.Bridge.Tests.Infrastructure;

public static class TestData
{
    public const string LineId = "5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44";
    public const string UserId = "df4cca69-ce40-472e-9083-af9b279c72cc";
    public const string Login = "bot";

    /// <summary>A unique marker used as the password everywhere, so a leak can be searched for.</summary>
    public static readonly string Password = "pw-" + Guid.NewGuid().ToString("N");

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

/// <summary>An ILogger that keeps every formatted line.</summary>
public sealed class ListLogger : ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string line = formatter(state, exception) + (exception is null ? "" : " " + exception);
        Lines.Enqueue(line);
        SecretWatch.Record("client log", line); // checked by SecretsFinalCheck; never throws inside the client
    }
}
