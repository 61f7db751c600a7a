namespace Connect.Bridge.Hosting;

/// <summary>
/// The core's text rules that hosts need on their own side of the boundary: whether a host's string is well-formed,
/// whether an outcome counts as success for a host, and the scrubbing of a text the core did not word. Each member
/// forwards to the core's one rule (the core's internals are not part of its public .NET API).
/// </summary>
public static class HostText
{
    extension(SendOutcome outcome)
    {
        /// <summary>
        /// A 2xx answer or an accepted setting (status 0): what COM's <c>IsSuccess</c>, the add-in's <c>Успешно</c> and the
        /// header's <c>CB_SUCCEEDED</c> mean. <see cref="SendOutcome.IsSuccess"/> is 2xx only.
        /// </summary>
        public bool Succeeded => outcome.Succeeded;
    }

    /// <summary>True when the UTF-16 text has no lone surrogate (so it encodes to UTF-8 without loss).</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> text) => TextRules.IsWellFormed(text);

    /// <summary>
    /// A text the core did not word (a command-line parser's message) with every occurrence of the secrets masked,
    /// by the same rule as the core's own texts.
    /// </summary>
    public static string ScrubForeign(string text, params ReadOnlySpan<string?> secrets) => SecretScrubber.ScrubForeign(text, secrets);
}
