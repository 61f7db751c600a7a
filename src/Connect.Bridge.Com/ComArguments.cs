using Connect.Bridge.Hosting;

namespace Connect.Bridge;

/// <summary>
/// Maps the VARIANT values late-bound callers pass (they arrive as <see cref="object"/>: VT_BSTR as string,
/// VT_I4 as int, VT_R8 as double, VT_BOOL as bool, VT_EMPTY as null, VT_NULL as DBNull) onto the core's
/// <see cref="HostValue"/> and back, without judging them: bounds, conversions and texts are the core's.
/// </summary>
internal static class ComArguments
{
    /// <summary>A VARIANT as a host value of its own kind.</summary>
    public static HostValue ToHostValue(object? value) => value switch
    {
        null or DBNull => HostValue.Empty,
        string s => HostValue.Text(s),
        bool b => HostValue.Boolean(b),
        int or short or sbyte or byte or ushort or uint or long => HostValue.Integer(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        ulong ul => ul <= long.MaxValue ? HostValue.Integer((long)ul) : HostValue.Number(ul),
        double d => HostValue.Number(d),
        float f => HostValue.Number(f),
        decimal m => HostValue.Number((double)m),
        _ => HostValue.Other(value.GetType().Name),
    };

    /// <summary>A host value as the VARIANT it reads back as.</summary>
    public static object? FromHostValue(HostValue value) => value.Kind switch
    {
        HostValueKind.Text => value.AsText,
        HostValueKind.Integer => value.AsInteger is >= int.MinValue and <= int.MaxValue ? (object)(int)value.AsInteger : (double)value.AsInteger,
        HostValueKind.Number => value.AsNumber,
        HostValueKind.Boolean => value.AsBoolean,
        _ => null,
    };
}
