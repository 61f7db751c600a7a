namespace Connect.Bridge.Emulator;

/// <summary>
/// One entry of the emulator's event journal, which the chat page at <c>/</c> draws: an accepted call, a rejected
/// request, a simulated button press or a clear. Fields that do not apply to the kind are null.
/// </summary>
/// <param name="Seq">Position in the journal, from 1, increasing across clears.</param>
/// <param name="Kind">One of the <c>…Kind</c> constants.</param>
/// <param name="At">When it happened (UTC).</param>
/// <param name="Conversation">"line|user" with both UUIDs in lower case: the chat the event belongs to.</param>
/// <param name="LineId">line_id as sent.</param>
/// <param name="UserId">user_id as sent.</param>
/// <param name="AuthorId">author_id as sent (messages).</param>
/// <param name="GeneralSettings">general_settings as sent (messages).</param>
/// <param name="Text">Message text, or the caption of the pressed button.</param>
/// <param name="Keyboard">The message's keyboard rows, exactly as sent.</param>
/// <param name="KeyboardAlreadyShown">For a message with a keyboard: another keyboard was still shown in this chat.</param>
/// <param name="DroppedSeqs">For DropKeyboard: the messages whose keyboards it removed (empty when none was shown).</param>
/// <param name="Path">For a rejected request: the request path.</param>
/// <param name="Status">For a rejected request: the HTTP status the emulator answered.</param>
/// <param name="Error">For a rejected request: the reason the emulator gave.</param>
/// <param name="PressedSeq">For a press: the message whose keyboard holds the button.</param>
/// <param name="Row">For a press: the button's row, from 0.</param>
/// <param name="Column">For a press: the button's position in the row, from 0.</param>
/// <param name="ButtonId">For a press: the button's id, when it has one.</param>
public sealed record EmulatorEvent(
    long Seq,
    string Kind,
    DateTimeOffset At,
    string? Conversation = null,
    string? LineId = null,
    string? UserId = null,
    string? AuthorId = null,
    bool? GeneralSettings = null,
    string? Text = null,
    IReadOnlyList<IReadOnlyList<RecordedButton>>? Keyboard = null,
    bool? KeyboardAlreadyShown = null,
    IReadOnlyList<long>? DroppedSeqs = null,
    string? Path = null,
    int? Status = null,
    string? Error = null,
    long? PressedSeq = null,
    int? Row = null,
    int? Column = null,
    string? ButtonId = null)
{
    /// <summary>An accepted SendMessageLine.</summary>
    public const string MessageKind = RecordedCall.MessageKind;

    /// <summary>An accepted DropKeyboard.</summary>
    public const string DropKeyboardKind = RecordedCall.DropKeyboardKind;

    /// <summary>A request answered with an error (400, 401, 403, 405, 413).</summary>
    public const string RejectedKind = "rejected";

    /// <summary>A button press simulated on the page (not part of the service's contract).</summary>
    public const string PressKind = "press";

    /// <summary>The journal was cleared (the page's clear action or <c>POST /emulator/reset</c>).</summary>
    public const string ClearedKind = "cleared";
}
