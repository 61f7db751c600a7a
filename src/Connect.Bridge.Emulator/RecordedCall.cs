namespace Connect.Bridge.Emulator;

/// <summary>One accepted API call, as the emulator understood it.</summary>
/// <param name="Kind">"message" (SendMessageLine) or "drop_keyboard" (DropKeyboard).</param>
/// <param name="LineId">line_id exactly as sent.</param>
/// <param name="UserId">user_id exactly as sent.</param>
/// <param name="AuthorId">author_id as sent, or null when absent/null.</param>
/// <param name="GeneralSettings">general_settings, or null when absent/null.</param>
/// <param name="Text">Message text (null for drop_keyboard).</param>
/// <param name="Keyboard">Keyboard rows, or null when absent/null (always null for drop_keyboard).</param>
/// <param name="RawBody">The request body decoded as UTF-8.</param>
/// <param name="ContentType">The request's Content-Type header, or null.</param>
/// <param name="Accept">The request's Accept header, or null.</param>
/// <param name="AuthorizationScheme">Scheme of the Authorization header as sent (e.g. "Basic").</param>
/// <param name="ReceivedAt">When the emulator received the call (UTC).</param>
public sealed record RecordedCall(
    string Kind,
    string LineId,
    string UserId,
    string? AuthorId,
    bool? GeneralSettings,
    string? Text,
    IReadOnlyList<IReadOnlyList<RecordedButton>>? Keyboard,
    string RawBody,
    string? ContentType,
    string? Accept,
    string? AuthorizationScheme,
    DateTimeOffset ReceivedAt)
{
    /// <summary>Kind of a SendMessageLine call.</summary>
    public const string MessageKind = "message";

    /// <summary>Kind of a DropKeyboard call.</summary>
    public const string DropKeyboardKind = "drop_keyboard";
}

/// <summary>One keyboard button.</summary>
/// <param name="Text">Caption (required by the API).</param>
/// <param name="Id">Optional command id; null when absent/null.</param>
public sealed record RecordedButton(string Text, string? Id);
