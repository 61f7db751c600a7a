using System.Collections.ObjectModel;

namespace Connect.Bridge;


/// <summary>An immutable keyboard: rows of buttons.</summary>
public sealed class Keyboard : IEquatable<Keyboard>
{
    /// <summary>Creates a keyboard from rows of buttons. Use <see cref="Parse(string, KeyboardFormat, ErrorLanguage)"/> for text input.</summary>
    public Keyboard(IEnumerable<IEnumerable<KeyboardButton>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var list = new List<IReadOnlyList<KeyboardButton>>();
        foreach (var row in rows)
        {
            ArgumentNullException.ThrowIfNull(row, nameof(rows));
            list.Add(new ReadOnlyCollection<KeyboardButton>(row.ToArray()));
        }
        Rows = list.AsReadOnly();
    }

    internal Keyboard(List<IReadOnlyList<KeyboardButton>> rows)
    {
        // Wrap the parser's arrays so that no caller can cast and change them: the caches below rely on it.
        for (int i = 0; i < rows.Count; i++)
            if (rows[i] is KeyboardButton[] array) rows[i] = Array.AsReadOnly(array);
        Rows = rows.AsReadOnly();
    }

    // A keyboard is parsed once and sent with many messages: its check and its wire JSON are computed once.
    // (Benign races: both are pure functions of the immutable rows.)
    private byte[]? _wireUtf8;
    private KeyboardError? _error;
    private bool _checked;

    /// <summary>The result of checking this keyboard by the parsers' rules (null when valid).</summary>
    internal KeyboardError? Validity
    {
        get
        {
            if (!_checked)
            {
                _error = KeyboardParser.Check(this);
                _checked = true;
            }
            return _error;
        }
    }

    /// <summary>The wire form as UTF-8 JSON.</summary>
    internal byte[] WireUtf8 => _wireUtf8 ??= KeyboardFormatter.ToWireUtf8(this);

    /// <summary>The rows, top to bottom.</summary>
    public IReadOnlyList<IReadOnlyList<KeyboardButton>> Rows { get; }

    /// <summary>Parses keyboard text. Throws <see cref="KeyboardFormatException"/> saying where the text is wrong.</summary>
    public static Keyboard Parse(string text, KeyboardFormat format = KeyboardFormat.Auto, ErrorLanguage language = ErrorLanguage.Russian)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = KeyboardParser.Parse(text, format);
        return result.Keyboard ?? throw new KeyboardFormatException(result.Error!, language);
    }

    /// <summary>Parses keyboard text without throwing; <paramref name="error"/> says where the text is wrong.</summary>
    public static bool TryParse(string text, KeyboardFormat format, out Keyboard? keyboard, out string? error, ErrorLanguage language = ErrorLanguage.Russian)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = KeyboardParser.Parse(text, format);
        keyboard = result.Keyboard;
        error = result.Error is null ? null : SecretScrubber.Strip(Texts.Keyboard(result.Error, language));
        return keyboard is not null;
    }

    /// <summary>The wire JSON form, <c>[[{"text":"A","id":"a"}]]</c>.</summary>
    public string ToJson() => System.Text.Encoding.UTF8.GetString(WireUtf8);

    /// <summary>The rows form. Button ids are not part of that form and are left out.</summary>
    public string ToRows() => KeyboardFormatter.ToRows(this);

    /// <inheritdoc/>
    public bool Equals(Keyboard? other)
    {
        if (other is null || other.Rows.Count != Rows.Count) return false;
        for (int r = 0; r < Rows.Count; r++)
            if (!Rows[r].SequenceEqual(other.Rows[r])) return false;
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Keyboard);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var row in Rows)
            foreach (var button in row) hash.Add(button);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => ToJson();
}
