namespace Connect.Bridge.Hosting;

/// <summary>What a host does after a call (<see cref="BridgeSender.Invoke"/>): return the outcome, or raise its text.</summary>
/// <param name="Outcome">The call's outcome, already recorded as the sender's last outcome.</param>
/// <param name="Raise">True when the host raises (ThrowOnError is on and the call did not succeed).</param>
public readonly record struct HostResult(SendOutcome Outcome, bool Raise);
