using Microsoft.Extensions.Logging;

namespace Connect.Bridge.Emulator;

/// <summary>Forwards Warning-and-above log entries to a callback; everything else is dropped.</summary>
internal sealed class CallbackLoggerProvider(Action<string> sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new CallbackLogger(categoryName, sink);

    public void Dispose()
    {
    }

    private sealed class CallbackLogger(string category, Action<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = $"{logLevel}: {category}: {formatter(state, exception)}";
            if (exception is not null)
            {
                line += " | " + exception.GetType().Name + ": " + exception.Message;
            }

            try
            {
                sink(line);
            }
            catch (Exception)
            {
                // A failing sink must never break request handling.
            }
        }
    }
}
