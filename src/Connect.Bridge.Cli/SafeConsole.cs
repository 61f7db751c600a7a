namespace Connect.Bridge.Cli;

/// <summary>
/// Console output that never changes the outcome: a closed or full stdout/stderr (<c>&gt;&amp;-</c>, <c>/dev/full</c>)
/// loses the line, not the exit code. A delivered message must exit 0 whatever stdout does, or a wrapper that retries on
/// non-zero would send it twice.
/// </summary>
internal static class SafeConsole
{
    public static void Out(string line) => Write(Console.Out, line);

    public static void Error(string line) => Write(Console.Error, line);

    private static void Write(TextWriter writer, string line)
    {
        try
        {
            writer.WriteLine(line);
            writer.Flush();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or UnauthorizedAccessException or NotSupportedException)
        {
            // Nowhere to write: the exit code still tells the caller what happened.
        }
    }
}
