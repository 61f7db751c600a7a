namespace Connect.Bridge;

/// <summary>
/// Builds the library's result types for tests of code that uses <see cref="ILineClient"/> (the model-factory idea
/// of the Azure SDK): a substitute client can return any outcome the real one can.
/// </summary>
public static class ConnectBridgeModelFactory
{
    /// <summary>An outcome as <see cref="ILineClient"/> returns it.</summary>
    /// <param name="status">An HTTP status (100..599), or a negative <see cref="BridgeStatus"/> code (-1..-5).</param>
    /// <param name="errorText">The error text; empty for a 2xx status.</param>
    /// <param name="serverError">The server's own <c>error</c> text, if any.</param>
    /// <param name="responseBody">The start of the error response body, if any.</param>
    /// <param name="attempts">How many HTTP attempts were made (0 when nothing was sent).</param>
    /// <exception cref="ArgumentOutOfRangeException">The status is neither an HTTP status nor a <see cref="BridgeStatus"/> code.</exception>
    public static SendOutcome SendOutcome(int status, string errorText = "", string? serverError = null, string? responseBody = null, int attempts = 1)
    {
        ArgumentNullException.ThrowIfNull(errorText);
        // Status 0 is the adapters' "setting accepted", which a line client never returns.
        if (status is not ((>= 100 and <= 599) or (>= BridgeStatus.InternalError and <= BridgeStatus.InvalidArgument)))
            throw new ArgumentOutOfRangeException(nameof(status), status, "An HTTP status (100..599) or a BridgeStatus code (-1..-5).");
        ArgumentOutOfRangeException.ThrowIfNegative(attempts);
        return new SendOutcome(status, errorText, serverError, responseBody, attempts);
    }
}
