using Connect.Bridge.Hosting;

namespace Connect.Bridge.Native.AddIn;

/// <summary>One property of the member table: its names and what reading and writing it call on the core.</summary>
/// <param name="English">The name, exactly as the COM class spells the member.</param>
/// <param name="Russian">The name a 1C programmer writes in Russian.</param>
/// <param name="Setting">The core setting behind a writable property (a value that cannot be read refuses it); null for read-only ones.</param>
/// <param name="Get">Reads the value.</param>
/// <param name="Set">Writes it and returns the outcome; null for read-only.</param>
internal sealed record SenderProperty(
    string English,
    string Russian,
    SenderSetting? Setting,
    Func<SenderComponent, HostValue> Get,
    Func<SenderComponent, HostValue, SendOutcome>? Set);
