using Connect.Bridge.Hosting;

namespace Connect.Bridge.Native.AddIn;

/// <summary>One method of the member table: its names, parameter names (as COM spells them) and the core call.</summary>
/// <param name="English">The name, exactly as the COM class spells the member.</param>
/// <param name="Russian">The name a 1C programmer writes in Russian.</param>
/// <param name="Parameters">Parameter names, used in the core's texts.</param>
/// <param name="ReturnsStatus">True when the method returns the status (a function in 1C), false for a procedure.</param>
/// <param name="Refuses">The setting an unreadable argument refuses (the keyboard for AddKeyboardRow); null when it only fails the call.</param>
/// <param name="Call">Runs the call with the converted arguments (always as many as <paramref name="Parameters"/>).</param>
internal sealed record SenderMethod(
    string English,
    string Russian,
    string[] Parameters,
    bool ReturnsStatus,
    SenderSetting? Refuses,
    Func<SenderComponent, HostValue[], SendOutcome> Call);
