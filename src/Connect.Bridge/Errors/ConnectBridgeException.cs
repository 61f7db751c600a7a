namespace Connect.Bridge;

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
