namespace Connect.Bridge;

/// <summary>A message for SendMessageLine. Ids are kept as text so that any input can be validated into a clear outcome.</summary>
/// <param name="LineId">Support line id (UUID).</param>
/// <param name="UserId">Subscriber who receives the message (UUID).</param>
/// <param name="Text">Message text; must not be empty or whitespace.</param>
public sealed record LineMessage(string LineId, string UserId, string Text)
{
    /// <summary>Specialist on whose behalf the message is sent (UUID), or <c>null</c> to omit.</summary>
    public string? AuthorId { get; init; }

    /// <summary><c>true</c>/<c>false</c> to send <c>general_settings</c>; <c>null</c> omits the field.</summary>
    public bool? GeneralSettings { get; init; }

    /// <summary>Buttons shown to the user, or <c>null</c> for none.</summary>
    public Keyboard? Keyboard { get; init; }
}
