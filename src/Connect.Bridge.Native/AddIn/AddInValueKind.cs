namespace Connect.Bridge.Native.AddIn;

/// <summary>What a tVariant held, reduced to the kinds the core distinguishes.</summary>
internal enum AddInValueKind
{
    /// <summary>Неопределено (VTYPE_EMPTY).</summary>
    Empty,
    /// <summary>A string (VTYPE_PWSTR, also VTYPE_PSTR).</summary>
    Text,
    /// <summary>A whole number (VTYPE_I1 ... VTYPE_UI8).</summary>
    Integer,
    /// <summary>A fractional number (VTYPE_R4, VTYPE_R8).</summary>
    Number,
    /// <summary>Булево (VTYPE_BOOL).</summary>
    Boolean,
    /// <summary>Anything else (Null, a date, a blob, an interface): always a wrong type.</summary>
    Other,
}
