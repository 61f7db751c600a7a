using System.Globalization;

namespace Connect.Bridge.Hosting;

/// <summary>
/// A value as a host passes it (a COM VARIANT, a 1C tVariant, a C string, a CLI argument), carried to the core
/// without being judged: the settings table decides what it means, whether it is in bounds, and how to word a refusal.
/// </summary>
public readonly struct HostValue
{
    private readonly string? _text;
    private readonly long _integer;
    private readonly double _number;

    private HostValue(HostValueKind kind, string? text = null, long integer = 0, double number = 0)
    {
        Kind = kind;
        _text = text;
        _integer = integer;
        _number = number;
    }

    /// <summary>The kind of value.</summary>
    public HostValueKind Kind { get; }

    /// <summary>No value (default).</summary>
    public static HostValue Empty => default;

    /// <summary>A string; null is <see cref="Empty"/> (a C NULL pointer).</summary>
    public static HostValue Text(string? text) => text is null ? Empty : new(HostValueKind.Text, text);

    /// <summary>A whole number of an integer type.</summary>
    public static HostValue Integer(long value) => new(HostValueKind.Integer, integer: value);

    /// <summary>A floating-point number.</summary>
    public static HostValue Number(double value) => new(HostValueKind.Number, number: value);

    /// <summary>A boolean.</summary>
    public static HostValue Boolean(bool value) => new(HostValueKind.Boolean, integer: value ? 1 : 0);

    /// <summary>A value of a type no host kind matches, named by its type.</summary>
    public static HostValue Other(string typeName) => new(HostValueKind.Other, typeName);

    /// <summary>The string of a <see cref="HostValueKind.Text"/> value, else null.</summary>
    public string? AsText => Kind == HostValueKind.Text ? _text : null;

    /// <summary>The value of an <see cref="HostValueKind.Integer"/>.</summary>
    public long AsInteger => _integer;

    /// <summary>The value of a <see cref="HostValueKind.Number"/>.</summary>
    public double AsNumber => _number;

    /// <summary>The value of a <see cref="HostValueKind.Boolean"/>.</summary>
    public bool AsBoolean => Kind == HostValueKind.Boolean && _integer != 0;

    /// <summary>The kind in the vocabulary of the wrong-type text ("string", "integer", "number", "boolean", "empty", or a type name).</summary>
    public string KindName => Kind switch
    {
        HostValueKind.Empty => "empty",
        HostValueKind.Text => "string",
        HostValueKind.Integer => "integer",
        HostValueKind.Number => "number",
        HostValueKind.Boolean => "boolean",
        _ => _text ?? "object",
    };

    /// <summary>The value as the user gave it, for error texts (numbers in invariant round-trip form).</summary>
    public override string ToString() => Kind switch
    {
        HostValueKind.Text => _text!,
        HostValueKind.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        HostValueKind.Number => _number.ToString("R", CultureInfo.InvariantCulture),
        HostValueKind.Boolean => _integer != 0 ? "true" : "false",
        _ => "",
    };
}
