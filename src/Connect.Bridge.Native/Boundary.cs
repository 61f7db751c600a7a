namespace Connect.Bridge.Native;

/// <summary>
/// The frame of an entry point a native caller calls (the 1C add-in's interfaces and exports, the <c>cb_*</c> exports
/// that have no sender to record on): the caller's floating-point state is kept (<see cref="FpGuard"/>) and no exception
/// crosses into the caller; an unexpected one becomes the entry's documented failure value. What a failure on a sender
/// means (-5, recorded, raised when asked) is the hosting layer's one rule, <c>BridgeSender.Invoke</c>; this is the
/// last line around it.
/// </summary>
internal static class Boundary
{
    /// <summary>What <paramref name="body"/> returns, or <paramref name="failure"/> when it throws.</summary>
    public static T Run<T>(T failure, Func<T> body)
    {
        using var fp = FpGuard.Enter();
        try
        {
            return body();
        }
        catch (Exception)
        {
            return failure;
        }
    }

    /// <summary>Runs <paramref name="body"/> for an entry with nothing to report (a destructor, Done): an exception is dropped.</summary>
    public static void Run(Action body) => Run(false, () =>
    {
        body();
        return true;
    });
}
