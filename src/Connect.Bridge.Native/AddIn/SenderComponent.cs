namespace Connect.Bridge.Native.AddIn;

/// <summary>
/// The managed state of one <c>AddIn.ConnectBridge.Sender</c> object: the core sender, the adapter's own
/// ThrowOnError flag (as COM keeps it), and the host interfaces received through Init and setMemManager.
/// Calls on one object are serialized.
/// </summary>
internal sealed class SenderComponent : IDisposable
{
    /// <summary>The source of AddError reports (what COM puts in the exception's Source).</summary>
    public const string ErrorSource = "Connect.Bridge.Sender";

    public BridgeSender Core { get; } = new();

    public Lock Gate { get; } = new();

    public bool ThrowOnError { get; set; }

    public HostConnection Connection { get; set; }

    public HostMemory Memory { get; set; }

    /// <summary>Records an adapter-decided outcome on the core (its last outcome), as COM's Sender does.</summary>
    public SendOutcome Record(SendOutcome outcome) => Core.Record(outcome);

    /// <summary>The core's wrong-type outcome, recorded.</summary>
    public SendOutcome WrongType(string parameter, string expected, AddInValue value) =>
        Core.Record(BridgeErrors.WrongArgumentType(parameter, expected, value.KindName, Core.Language));

    /// <summary>The core's bad-encoding outcome, recorded.</summary>
    public SendOutcome BadEncoding(string parameter) => Core.Record(BridgeErrors.InvalidEncoding(parameter, Core.Language));

    /// <summary>Done: the host is going away; the client is released, the object stays usable until destroyed.</summary>
    public void Release()
    {
        lock (Gate)
        {
            Connection = default;
            Core.Dispose();
        }
    }

    public void Dispose() => Release();
}
