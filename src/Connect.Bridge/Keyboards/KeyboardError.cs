namespace Connect.Bridge;

internal enum KeyboardErrorKind
{
    JsonSyntax,
    NotArray,
    NoRows,
    RowNotArray,
    EmptyRow,
    SeparatorsOnly,
    ButtonWrongType,
    TextNotString,
    IdNotString,
    UnknownProperty,
    EmptyButtonText,
    InvalidUnicode,
    NulCharacter,
    TooManyRows,
    TooManyButtons,
    ButtonTextTooLong,
    ButtonIdTooLong,
    InputTooLong,
}

/// <summary>Where and why keyboard text is wrong. Row, Button and Position are 1-based; 0 means "not applicable".</summary>
internal sealed record KeyboardError(KeyboardErrorKind Kind, int Row = 0, int Button = 0, long Position = 0, string? Detail = null);

internal readonly record struct KeyboardParseResult(Keyboard? Keyboard, KeyboardError? Error)
{
    public static implicit operator KeyboardParseResult(KeyboardError error) => new(null, error);
    public static implicit operator KeyboardParseResult(Keyboard keyboard) => new(keyboard, null);
}
