namespace Connect.Bridge;

/// <summary>How a keyboard is written as text.</summary>
public enum KeyboardFormat
{
    /// <summary>JSON when the first non-blank character is <c>[</c>, rows otherwise.</summary>
    Auto = 0,
    /// <summary>The wire form <c>[[{"text":"A","id":"a"}]]</c> or the shorthand <c>[["A","B"]]</c>.</summary>
    Json = 1,
    /// <summary>One row per line, buttons separated by <c>|</c>; <c>\|</c> and <c>\\</c> escape.</summary>
    Rows = 2,
}
