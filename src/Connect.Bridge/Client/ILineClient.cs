namespace Connect.Bridge;

/// <summary>
/// The non-throwing line API: every call returns a <see cref="SendOutcome"/>. This is the seam the COM and
/// native adapters use (through their internal sender) and the one unit tests substitute.
/// </summary>
public interface ILineClient
{
    /// <summary>Sends a message (SendMessageLine). Never throws for validation, HTTP or network failures.</summary>
    Task<SendOutcome> TrySendMessageAsync(LineMessage message, CancellationToken cancellationToken = default);

    /// <summary>Synchronous <see cref="TrySendMessageAsync"/>.</summary>
    SendOutcome TrySendMessage(LineMessage message, CancellationToken cancellationToken = default);

    /// <summary>Removes the keyboard shown to a user (DropKeyboard).</summary>
    Task<SendOutcome> TryDropKeyboardAsync(string lineId, string userId, CancellationToken cancellationToken = default);

    /// <summary>Synchronous <see cref="TryDropKeyboardAsync"/>.</summary>
    SendOutcome TryDropKeyboard(string lineId, string userId, CancellationToken cancellationToken = default);
}
