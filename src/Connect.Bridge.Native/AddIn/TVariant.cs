using Connect.Bridge.Hosting;
namespace Connect.Bridge.Native.AddIn;

/// <summary>
/// Reads and writes 1C's <c>tVariant</c> (types.h): a union, then <c>uint32 cbElements</c>, then <c>uint16 vt</c>.
/// The union is as large as the C library's <c>struct tm</c>: sizeof is 64 on Linux x64 (glibc), 48 on Windows
/// (x64 and x86); in both cbElements and vt are the last 8 bytes. Strings are <c>{WCHAR_T* pwstrVal; uint32 wstrLen}</c>
/// with the length in UTF-16 units; <c>WCHAR_T</c> is 2 bytes on every OS.
/// </summary>
internal static unsafe class TVariant
{
    public const ushort Empty = 0, Null = 1, I2 = 2, I4 = 3, R4 = 4, R8 = 5, Date = 6, Tm = 7, PStr = 8,
        Interface = 9, Error = 10, Bool = 11, Variant = 12, I1 = 13, UI1 = 14, UI2 = 15, UI4 = 16, I8 = 17, UI8 = 18,
        Int = 19, UInt = 20, HResult = 21, PWStr = 22, Blob = 23;

    /// <summary>sizeof(tVariant): the stride of a parameter array.</summary>
    public static readonly int Size = OperatingSystem.IsWindows() ? 48 : 64;

    private static readonly int VtOffset = Size - 4;
    private static readonly int CbElementsOffset = Size - 8;

    public static byte* At(byte* array, long index) => array + index * Size;

    /// <summary>Converts what the host passed; false only when a PSTR (bytes, which 1C does not pass) is not valid UTF-8.</summary>
    public static bool TryRead(byte* v, out HostValue value)
    {
        if (v == null)
        {
            value = HostValue.Empty;
            return true;
        }

        ushort vt = *(ushort*)(v + VtOffset);
        value = vt switch
        {
            Empty or Null => HostValue.Empty, // Неопределено and Null both mean "not given", as COM reads VT_EMPTY and VT_NULL
            I1 => HostValue.Integer(*(sbyte*)v),
            I2 => HostValue.Integer(*(short*)v),
            I4 or Int or Error => HostValue.Integer(*(int*)v),
            I8 => HostValue.Integer(*(long*)v),
            UI1 => HostValue.Integer(*v),
            UI2 => HostValue.Integer(*(ushort*)v),
            UI4 or UInt => HostValue.Integer(*(uint*)v),
            UI8 => *(ulong*)v <= long.MaxValue ? HostValue.Integer((long)*(ulong*)v) : HostValue.Number(*(ulong*)v),
            R4 => HostValue.Number(*(float*)v),
            R8 => HostValue.Number(*(double*)v),
            Bool => HostValue.Boolean(*v != 0),
            Date or Tm => HostValue.Other("date"),
            Blob => HostValue.Other("blob"),
            _ => HostValue.Other(vt is PWStr or PStr ? "string" : "vt " + vt.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (vt == PWStr)
        {
            char* chars = *(char**)v;
            uint length = *(uint*)(v + sizeof(void*));
            return TryWide(chars, length, out value);
        }

        if (vt == PStr)
        {
            byte* bytes = *(byte**)v;
            uint length = *(uint*)(v + sizeof(void*));
            return TryNarrow(bytes, length, out value);
        }

        return true;
    }

    /// <summary>Writes a value; a string is copied into memory from the host's memory manager (false when there is none or it refused).</summary>
    public static bool TryWrite(byte* v, HostValue value, HostMemory memory)
    {
        if (v == null)
        {
            return false;
        }

        new Span<byte>(v, Size).Clear();
        switch (value.Kind)
        {
            case HostValueKind.Text:
                string text = value.AsText ?? "";
                char* copy = memory.AllocString(text);
                if (copy == null)
                {
                    return false;
                }

                *(char**)v = copy;
                *(uint*)(v + sizeof(void*)) = (uint)text.Length;
                SetType(v, PWStr);
                return true;
            case HostValueKind.Integer when value.AsInteger is >= int.MinValue and <= int.MaxValue:
                *(int*)v = (int)value.AsInteger;
                SetType(v, I4);
                return true;
            case HostValueKind.Integer:
                *(long*)v = value.AsInteger;
                SetType(v, I8);
                return true;
            case HostValueKind.Number:
                *(double*)v = value.AsNumber;
                SetType(v, R8);
                return true;
            case HostValueKind.Boolean:
                *v = value.AsBoolean ? (byte)1 : (byte)0;
                SetType(v, Bool);
                return true;
            default:
                SetType(v, Empty);
                return true;
        }
    }

    private static void SetType(byte* v, ushort vt)
    {
        *(uint*)(v + CbElementsOffset) = 0;
        *(ushort*)(v + VtOffset) = vt;
    }

    /// <summary>
    /// A PWSTR as it is, lone surrogates included: the core words what is wrong with a string, exactly as for the
    /// BSTR that COM passes (the corpus checks that both surfaces give the same text).
    /// </summary>
    private static bool TryWide(char* chars, uint length, out HostValue value)
    {
        value = HostValue.Text(chars == null || length == 0 ? "" : new string(chars, 0, checked((int)length)));
        return true;
    }

    private static bool TryNarrow(byte* bytes, uint length, out HostValue value)
    {
        var span = bytes == null ? ReadOnlySpan<byte>.Empty : new ReadOnlySpan<byte>(bytes, checked((int)length));
        if (!System.Text.Unicode.Utf8.IsValid(span))
        {
            value = HostValue.Empty;
            return false;
        }

        value = HostValue.Text(System.Text.Encoding.UTF8.GetString(span));
        return true;
    }
}
