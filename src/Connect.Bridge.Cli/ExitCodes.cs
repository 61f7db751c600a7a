namespace Connect.Bridge.Cli;

/// <summary>Process exit codes of connect-bridge.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int HttpError = 1;
    public const int InvalidArguments = 2;
    public const int NetworkFailure = 3;
    public const int Internal = 4;

    public static int From(SendOutcome outcome) => outcome.Status switch
    {
        >= 200 and < 300 or 0 => Success,
        > 0 => HttpError,
        BridgeStatus.InvalidArgument => InvalidArguments,
        BridgeStatus.ConnectionFailed or BridgeStatus.Timeout or BridgeStatus.TlsFailure => NetworkFailure,
        _ => Internal,
    };
}
