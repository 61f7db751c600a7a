using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Connect.Bridge.Adapters;

/// <summary>
/// The LogFile setting: an <see cref="ILogger"/> for hosts that have none (C, Delphi, COM, 1C). It appends the same
/// lines the .NET logger gets (one per attempt, already scrubbed by the client) to a UTF-8 file, and passes them on
/// to the logger the .NET caller set, if any.
/// </summary>
internal sealed class FileLog : ILogger
{
    // One lock for all files: lines are rare (one per attempt) and senders may share a path.
    private static readonly Lock Gate = new();
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly string _path;
    private readonly ILogger? _next;

    public FileLog(string path, ILogger? next)
    {
        _path = path;
        _next = next;
    }

    /// <summary>Whether the file can be opened for appending: null when it can, else the refusal text.</summary>
    public static string? Check(string path, ErrorLanguage language)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            return Texts.BadLogFile(path, ex.GetType().Name, language);
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => _next?.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        _next?.Log(logLevel, eventId, state, exception, formatter);
        ArgumentNullException.ThrowIfNull(formatter);
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss.fffzzz} {logLevel} {formatter(state, exception)}{Environment.NewLine}");
        try
        {
            lock (Gate) File.AppendAllText(_path, line, Utf8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A diagnostics file that went away (disk full, deleted folder) must not turn a sent message into a failure.
        }
    }
}
