using System.Globalization;

namespace Connect.Bridge;

/// <summary>
/// Converts the VARIANT values late-bound callers pass (they arrive as <see cref="object"/>: VT_BSTR as string,
/// VT_I4 as int, VT_R8 as double, VT_BOOL as bool, VT_EMPTY as null, VT_NULL as DBNull) to the types the core takes.
/// A value of the wrong kind is not converted: the caller gets the core's wrong-type outcome. No wording here.
/// </summary>
internal static class ComArguments
{
    /// <summary>A string, and only a string (a number or Неопределено where a string is expected is a wrong type).</summary>
    public static bool TryString(object? value, out string text)
    {
        if (value is string s)
        {
            text = s;
            return true;
        }

        text = "";
        return false;
    }

    /// <summary>A number of any numeric VARIANT type, as a double (integers up to 2^53 exactly).</summary>
    public static bool TryNumber(object? value, out double number)
    {
        switch (value)
        {
            case int i: number = i; return true;
            case short s: number = s; return true;
            case sbyte sb: number = sb; return true;
            case byte b: number = b; return true;
            case ushort us: number = us; return true;
            case uint ui: number = ui; return true;
            case long l: number = l; return true;
            case ulong ul: number = ul; return true;
            case double d: number = d; return true;
            case float f: number = f; return true;
            case decimal m: number = (double)m; return true;
            default: number = 0; return false;
        }
    }

    /// <summary>A boolean (VT_BOOL), and only a boolean.</summary>
    public static bool TryBoolean(object? value, out bool flag)
    {
        if (value is bool b)
        {
            flag = b;
            return true;
        }

        flag = false;
        return false;
    }

    /// <summary>A number as invariant text, for values only the core's text-form setters can word (fractional, out of range).</summary>
    public static string NumberText(double number) => number.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The name of what was passed, in the vocabulary of <see cref="BridgeErrors.WrongArgumentType"/>.</summary>
    public static string KindOf(object? value) => value switch
    {
        null => "empty",
        DBNull => "null",
        string => "string",
        bool => "boolean",
        int or short or sbyte or byte or ushort or uint or long or ulong => "integer",
        double or float or decimal => "number",
        _ => value.GetType().Name,
    };
}
