namespace Connect.Bridge;

/// <summary>
/// The result of a call on every surface: a status (the HTTP status, or one of <see cref="BridgeStatus"/>)
/// and one line of error text a person can act on (empty after a success). Never contains the password.
/// </summary>
public sealed class SendOutcome
{
    /// <summary>A local call (a setting) that succeeded: status 0, no text.</summary>
    public static SendOutcome Ok { get; } = new(0, "");

    internal SendOutcome(int status, string errorText, string? serverError = null, string? responseBody = null, int attempts = 0)
    {
        Status = status;
        ErrorText = errorText;
        ServerError = serverError;
        ResponseBody = responseBody;
        Attempts = attempts;
    }

    /// <summary>The HTTP status when the server answered, otherwise a negative <see cref="BridgeStatus"/> code (0 for a successful local setting).</summary>
    public int Status { get; }

    /// <summary>One line explaining the failure in the chosen language; empty on success.</summary>
    public string ErrorText { get; }

    /// <summary>The server's own <c>error</c> text from a JSON error body, when there was one.</summary>
    public string? ServerError { get; }

    /// <summary>The start of the error response body (bounded), when the server sent one.</summary>
    public string? ResponseBody { get; }

    /// <summary>How many HTTP attempts were made (0 when nothing was sent).</summary>
    public int Attempts { get; }

    /// <summary>True for a 2xx answer (and for a successful local setting, status 0).</summary>
    public bool IsSuccess => Status is 0 or (>= 200 and < 300);

    /// <summary>True when the outcome was decided before anything was sent.</summary>
    public bool IsInvalidArgument => Status == BridgeStatus.InvalidArgument;

    internal static SendOutcome Invalid(string text) => new(BridgeStatus.InvalidArgument, text);

    internal SendOutcome WithoutSecret(string? secret)
    {
        if (string.IsNullOrEmpty(secret)) return this;
        static string? Scrub(string? s, string secret) => s?.Replace(secret, "***", StringComparison.Ordinal);
        if (!ErrorText.Contains(secret, StringComparison.Ordinal) && (ServerError?.Contains(secret, StringComparison.Ordinal) != true)
            && (ResponseBody?.Contains(secret, StringComparison.Ordinal) != true))
            return this;
        return new SendOutcome(Status, Scrub(ErrorText, secret)!, Scrub(ServerError, secret), Scrub(ResponseBody, secret), Attempts);
    }

    /// <inheritdoc/>
    public override string ToString() => IsSuccess ? Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Status}: {ErrorText}";
}

/// <summary>Thrown by the throwing .NET methods for any non-2xx outcome; carries the status and the server's text.</summary>
public sealed class ConnectBridgeException : Exception
{
    /// <summary>Creates the exception from an outcome.</summary>
    public ConnectBridgeException(SendOutcome outcome) : base((outcome ?? throw new ArgumentNullException(nameof(outcome))).ErrorText)
    {
        Outcome = outcome;
    }

    /// <summary>The full outcome.</summary>
    public SendOutcome Outcome { get; }
    /// <summary>The HTTP status or a negative <see cref="BridgeStatus"/> code.</summary>
    public int Status => Outcome.Status;
    /// <summary>The error text (same as <see cref="Exception.Message"/>).</summary>
    public string ErrorText => Outcome.ErrorText;
    /// <summary>The server's own <c>error</c> text, when there was one.</summary>
    public string? ServerError => Outcome.ServerError;
    /// <summary>The start of the error response body, when there was one.</summary>
    public string? ResponseBody => Outcome.ResponseBody;
}
