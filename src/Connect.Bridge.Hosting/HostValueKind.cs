namespace Connect.Bridge.Hosting;

/// <summary>What kind of value a host passed; the core judges it, the adapter only reports the kind.</summary>
public enum HostValueKind
{
    /// <summary>Nothing: COM VT_EMPTY/VT_NULL, 1C Неопределено/NULL, a C NULL pointer, an absent CLI argument.</summary>
    Empty,
    /// <summary>A string (C strings, BSTR, 1C Строка, CLI arguments).</summary>
    Text,
    /// <summary>A whole number of an integer type (VT_I4 and friends).</summary>
    Integer,
    /// <summary>A floating-point or decimal number (VT_R8, 1C Число).</summary>
    Number,
    /// <summary>A boolean (VT_BOOL, 1C Булево).</summary>
    Boolean,
    /// <summary>Anything else (an object, an array); always refused, the type name goes into the text.</summary>
    Other,
}
