namespace Connect.Bridge;

/// <summary>
/// The result of a call on every surface: a status (the HTTP status, or one of <see cref="BridgeStatus"/>)
/// and one line of error text a person can act on (empty after a success). Never contains the password.
/// </summary>
public sealed class SendOutcome
{
    /// <summary>An adapter's setting that was accepted: status 0, no text. Never an outcome of <see cref="ILineClient"/>.</summary>
    internal static SendOutcome Ok { get; } = new(0, "");

    internal SendOutcome(int status, string errorText, string? serverError = null, string? responseBody = null, int attempts = 0)
    {
        Status = status;
        _markedText = errorText;
        ErrorText = SecretScrubber.Strip(errorText);
        ServerError = serverError;
        ResponseBody = responseBody;
        Attempts = attempts;
    }

    // The text with its echoes marked (see SecretScrubber): what scrubbing works on.
    private readonly string _markedText;

    /// <summary>The HTTP status when the server answered, otherwise a negative <see cref="BridgeStatus"/> code.</summary>
    public int Status { get; }

    /// <summary>One line explaining the failure in the chosen language; empty on success.</summary>
    public string ErrorText { get; }

    /// <summary>The server's own <c>error</c> text from a JSON error body, when there was one.</summary>
    public string? ServerError { get; }

    /// <summary>The start of the error response body (bounded), when the server sent one.</summary>
    public string? ResponseBody { get; }

    /// <summary>How many HTTP attempts were made (0 when nothing was sent).</summary>
    public int Attempts { get; }

    /// <summary>True for a 2xx answer.</summary>
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>True for a 2xx answer or an accepted setting (status 0): what COM's IsSuccess and the header's CB_SUCCEEDED mean.</summary>
    internal bool Succeeded => Status == 0 || IsSuccess;

    /// <summary>True when the outcome was decided before anything was sent.</summary>
    public bool IsInvalidArgument => Status == BridgeStatus.InvalidArgument;

    internal static SendOutcome Invalid(string text) => new(BridgeStatus.InvalidArgument, text);

    /// <summary>This outcome scrubbed of one secret by the rule of <see cref="SecretScrubber"/> (itself when nothing changes).</summary>
    internal SendOutcome WithoutSecret(string? secret)
    {
        if (string.IsNullOrEmpty(secret)) return this;
        string text = SecretScrubber.ScrubText(_markedText, secret);
        string? serverError = SecretScrubber.ScrubQuoted(ServerError, secret);
        string? body = SecretScrubber.ScrubBody(ResponseBody, secret);
        if (text == _markedText && serverError == ServerError && body == ResponseBody) return this;
        return new SendOutcome(Status, text, serverError, body, Attempts);
    }

    /// <inheritdoc/>
    public override string ToString() => Succeeded ? Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Status}: {ErrorText}";
}
