namespace Connect.Bridge.Native.AddIn;

/// <summary>
/// A value as 1C passes it in a tVariant, converted to a neutral form with no meaning attached: the member table
/// decides what a kind means for a member, the core words any complaint.
/// </summary>
internal readonly struct AddInValue
{
    private AddInValue(AddInValueKind kind, string? text = null, long integer = 0, double number = 0, bool flag = false, string? otherKind = null)
    {
        Kind = kind;
        Text = text;
        Integer = integer;
        Number = number;
        Flag = flag;
        _otherKind = otherKind;
    }

    private readonly string? _otherKind;

    public AddInValueKind Kind { get; }

    public string? Text { get; }

    public long Integer { get; }

    public double Number { get; }

    public bool Flag { get; }

    public static AddInValue Empty => default;

    public static AddInValue FromText(string text) => new(AddInValueKind.Text, text: text);

    public static AddInValue FromInteger(long value) => new(AddInValueKind.Integer, integer: value);

    public static AddInValue FromNumber(double value) => new(AddInValueKind.Number, number: value);

    public static AddInValue FromBoolean(bool value) => new(AddInValueKind.Boolean, flag: value);

    /// <summary>A value of a kind no member accepts; <paramref name="kind"/> names it in error texts (e.g. "date").</summary>
    public static AddInValue FromOther(string kind) => new(AddInValueKind.Other, otherKind: kind);

    public bool TryText(out string text)
    {
        text = Text ?? "";
        return Kind == AddInValueKind.Text;
    }

    /// <summary>A whole or fractional number as a double (whole numbers up to 2^53 exactly), as COM's TryNumber.</summary>
    public bool TryNumber(out double number)
    {
        number = Kind switch
        {
            AddInValueKind.Integer => Integer,
            AddInValueKind.Number => Number,
            _ => 0,
        };
        return Kind is AddInValueKind.Integer or AddInValueKind.Number;
    }

    public bool TryBoolean(out bool flag)
    {
        flag = Flag;
        return Kind == AddInValueKind.Boolean;
    }

    /// <summary>The name of the kind in the vocabulary of <see cref="BridgeErrors.WrongArgumentType"/>.</summary>
    public string KindName => Kind switch
    {
        AddInValueKind.Empty => "empty",
        AddInValueKind.Text => "string",
        AddInValueKind.Integer => "integer",
        AddInValueKind.Number => "number",
        AddInValueKind.Boolean => "boolean",
        _ => _otherKind ?? "unknown",
    };
}
