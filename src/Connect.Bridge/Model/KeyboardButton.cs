namespace Connect.Bridge;

/// <summary>One keyboard button: a caption and an optional command id.</summary>
public sealed record KeyboardButton(string Text, string? Id = null);
