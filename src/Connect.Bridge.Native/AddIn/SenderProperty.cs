namespace Connect.Bridge.Native.AddIn;

/// <summary>One property of the member table: its names and what reading and writing it call on the core.</summary>
/// <param name="English">The name, exactly as the COM class spells the member.</param>
/// <param name="Russian">The name a 1C programmer writes in Russian.</param>
/// <param name="Get">Reads the value (null: write-only, never the case today).</param>
/// <param name="Set">Writes it and returns the outcome; null for read-only. A null outcome means the adapter's own setting was accepted.</param>
internal sealed record SenderProperty(
    string English,
    string Russian,
    Func<SenderComponent, AddInValue>? Get,
    Func<SenderComponent, AddInValue, SendOutcome?>? Set);
