using System.Collections.Concurrent;
using System.Text;
using Xunit.Sdk;

namespace Connect.Bridge.Tests.Infrastructure;

/// <summary>
/// Collects every log line, error text and CLI output the tests capture, and checks that the password
/// (<see cref="TestData.Password"/>, a unique marker) appears in none of them.
/// </summary>
/// <remarks>
/// Two layers:
/// <list type="number">
/// <item><see cref="Capture(string, string?)"/> records the text and asserts at once, so the test that captured a leak fails itself.
/// Loggers call <see cref="Record"/> instead (an assertion thrown inside the client's logging call would be turned into
/// an "internal error" outcome and hide the real cause); those lines are checked by the final scan.</item>
/// <item><see cref="SecretsScan"/> scans everything recorded after the last test of the run has finished
/// (an assembly fixture, disposed last), so the scan does not depend on the order xunit schedules tests in.</item>
/// </list>
/// </remarks>
public static class SecretWatch
{
    private static readonly ConcurrentQueue<(string Source, string Text)> Captured = new();

    /// <summary>The strings that must never appear: the password, and the Basic token that carries it.</summary>
    public static string[] Markers { get; } =
    [
        TestData.Password,
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestData.Login}:{TestData.Password}")),
    ];

    public static int Count => Captured.Count;

    public static IEnumerable<(string Source, string Text)> All => Captured;

    /// <summary>Records a text without asserting (for loggers and server callbacks).</summary>
    public static void Record(string source, string? text)
    {
        if (!string.IsNullOrEmpty(text)) Captured.Enqueue((source, text));
    }

    /// <summary>Records a text and fails the calling test at once if it holds the password.</summary>
    public static void Capture(string source, string? text)
    {
        Record(source, text);
        if (text is not null && Leaks(text) is { } marker)
            throw new XunitException($"{source}: the password (or its Basic token) leaked: {text.Replace(marker, "<MARKER>", StringComparison.Ordinal)}");
    }

    /// <summary>Records every text of an outcome (error text, server error, response body) and asserts.</summary>
    public static void Capture(string source, SendOutcome outcome)
    {
        Capture(source + " error text", outcome.ErrorText);
        Capture(source + " server error", outcome.ServerError);
        Capture(source + " response body", outcome.ResponseBody);
        Capture(source + " ToString", outcome.ToString());
    }

    public static string? Leaks(string text)
    {
        foreach (var marker in Markers)
            if (text.Contains(marker, StringComparison.Ordinal)) return marker;
        return null;
    }
}
