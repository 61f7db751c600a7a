namespace Connect.Bridge.Hosting;

/// <summary>
/// Outcomes for failures that only an adapter can detect (a NULL handle, a bad string encoding, a wrong
/// COM argument type). The wording lives here so that every surface says the same thing.
/// </summary>
public static class BridgeErrors
{
    /// <summary>A NULL or destroyed sender handle.</summary>
    public static SendOutcome NullHandle(ErrorLanguage language) => SendOutcome.Invalid(Texts.NullHandle(language));

    /// <summary>A required string argument that is NULL.</summary>
    public static SendOutcome NullArgument(string parameter, ErrorLanguage language) => SendOutcome.Invalid(Texts.NullArgument(parameter, language));

    /// <summary>A string argument that is not well-formed UTF-8 or UTF-16.</summary>
    public static SendOutcome InvalidEncoding(string parameter, ErrorLanguage language) => SendOutcome.Invalid(Texts.InvalidEncoding(parameter, language));

    /// <summary>An argument of the wrong type (e.g. a number where a string is expected, as scripts may pass).</summary>
    /// <param name="parameter">The parameter or property name.</param>
    /// <param name="expected">"string", "integer", "number" or "boolean".</param>
    /// <param name="actual">What was passed: "string", "integer", "number", "boolean", "empty", "null" or a type name.</param>
    /// <param name="language">Language of the text.</param>
    public static SendOutcome WrongArgumentType(string parameter, string expected, string actual, ErrorLanguage language) =>
        SendOutcome.Invalid(Texts.WrongArgumentType(parameter, expected, actual, language));

    /// <summary>An option id the library does not know.</summary>
    public static SendOutcome UnknownOption(int option, ErrorLanguage language) => SendOutcome.Invalid(Texts.UnknownOption(option, language));

    /// <summary>A keyboard format number that is not 0, 1 or 2.</summary>
    public static SendOutcome UnknownKeyboardFormat(int format, ErrorLanguage language) =>
        SendOutcome.Invalid(Texts.UnknownKeyboardFormat(format.ToString(System.Globalization.CultureInfo.InvariantCulture), language));

    /// <summary>A negative buffer size.</summary>
    public static SendOutcome InvalidBufferSize(ErrorLanguage language) => SendOutcome.Invalid(Texts.InvalidBufferSize(language));

    /// <summary>A call in a forked child of a process that already used the library (the native exports refuse it).</summary>
    public static SendOutcome UsedAfterFork(ErrorLanguage language) => SendOutcome.Invalid(Texts.UsedAfterFork(language));

    /// <summary>
    /// The generic meaning of a status, with no sender (the native <c>cb_status_text</c>, like <c>sqlite3_errstr</c>):
    /// 0, the negative <see cref="BridgeStatus"/> codes, 2xx, the HTTP statuses the library words, and the generic
    /// HTTP wording for any other code. <paramref name="language"/>: null, "" or "ru" Russian, "en" English
    /// (<see cref="HostLanguage"/>, as the language option). Null for any other language.
    /// </summary>
    public static string? StatusText(int status, string? language) =>
        HostLanguage.TryParse(language, out ErrorLanguage l) ? Texts.StatusMeaning(status, l) : null;

    /// <summary>An unexpected exception, reported without its details (which could carry secrets).</summary>
    public static SendOutcome Internal(Exception exception, ErrorLanguage language)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new SendOutcome(BridgeStatus.InternalError, Texts.Internal(exception.GetType().Name, language));
    }
}
