using Connect.Bridge.Hosting;

namespace Connect.Bridge.Native.AddIn;

/// <summary>
/// The managed state of one <c>AddIn.ConnectBridge.Sender</c> object: the core sender and
/// the host interfaces received through Init and setMemManager.
/// Calls on one object are serialized.
/// </summary>
internal sealed class SenderComponent : IDisposable
{
    /// <summary>The source of AddError reports (what COM puts in the exception's Source).</summary>
    public const string ErrorSource = "Connect.Bridge.Sender";

    public BridgeSender Core { get; } = new();

    public Lock Gate { get; } = new();

    public HostConnection Connection { get; set; }

    public HostMemory Memory { get; set; }

    /// <summary>The core's bad-encoding outcome: a refusal of <paramref name="setting"/> when given (sticky, like any refused value), else the call's outcome.</summary>
    public SendOutcome BadEncoding(string parameter, SenderSetting? setting)
    {
        var refusal = BridgeErrors.InvalidEncoding(parameter, Core.Language);
        return setting is { } s ? Core.RefuseSetting(s, refusal) : Core.Record(refusal);
    }

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
