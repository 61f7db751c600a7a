namespace Connect.Bridge;

/// <summary>Keyboard text that cannot be parsed; the message says where (row and button, or JSON position).</summary>
public sealed class KeyboardFormatException : FormatException
{
    internal KeyboardFormatException(KeyboardError error, ErrorLanguage language) : base(SecretScrubber.Strip(Texts.Keyboard(error, language)))
    {
        Row = error.Row;
        Button = error.Button;
        Position = error.Position;
    }

    /// <summary>1-based row number, or 0 when not about a row.</summary>
    public int Row { get; }
    /// <summary>1-based button number within the row, or 0.</summary>
    public int Button { get; }
    /// <summary>1-based character position in the JSON text for syntax errors, or 0.</summary>
    public long Position { get; }
}
