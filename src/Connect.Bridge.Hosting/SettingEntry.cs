namespace Connect.Bridge.Hosting;

/// <summary>One row of <see cref="SenderSettings"/>: how a setting is named, judged, stored and read back.</summary>
/// <param name="Setting">The setting (its number is the native option id when below 1000).</param>
/// <param name="Name">The name surfaces use (COM property, wrong-type texts).</param>
/// <param name="Slot">Settings sharing a slot replace each other (TimeoutMs and TimeoutSeconds, RetryDelayMs and RetryDelaySeconds), also in a refusal.</param>
/// <param name="Parse">Judges a host value: bounds, conversions and the refusal text.</param>
/// <param name="Apply">Stores an accepted value.</param>
/// <param name="Read">Reads the stored value back, as the user gave it.</param>
/// <param name="AffectsClient">True when the HTTP client must be rebuilt after a change.</param>
internal sealed record SettingEntry(
    SenderSetting Setting,
    string Name,
    SenderSetting Slot,
    Func<HostValue, ErrorLanguage, ParsedSetting> Parse,
    Action<SenderState, object?> Apply,
    Func<SenderState, HostValue> Read,
    bool AffectsClient);
