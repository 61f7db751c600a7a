using System.Runtime.InteropServices;
using System.Text;
using Connect.Bridge.Hosting;

namespace Connect.Bridge.Native;

/// <summary>
/// A NUL-terminated string argument as the caller passed it: UTF-8 (<c>const char*</c>) or
/// UTF-16 (<c>const uint16_t*</c>). NULL stays null; invalid sequences are reported, never replaced.
/// </summary>
internal readonly unsafe struct NativeString(void* pointer, bool wide)
{
    public static NativeString Utf8(byte* p) => new(p, wide: false);

    public static NativeString Utf16(ushort* p) => new(p, wide: true);

    /// <summary>Decodes the string; false when it is not valid UTF-8 / UTF-16 (lone surrogate).</summary>
    public bool TryDecode(out string? value)
    {
        if (pointer == null)
        {
            value = null;
            return true;
        }

        return wide ? NativeText.TryDecodeUtf16((char*)pointer, out value) : NativeText.TryDecodeUtf8((byte*)pointer, out value);
    }
}

/// <summary>Decoding of caller strings (copies into caller buffers: <see cref="CallerBuffer"/>).</summary>
internal static unsafe class NativeText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool TryDecodeUtf8(byte* p, out string? value)
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(p);
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            value = null;
            return false;
        }

        value = StrictUtf8.GetString(bytes);
        return true;
    }

    public static bool TryDecodeUtf16(char* p, out string? value)
    {
        ReadOnlySpan<char> chars = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(p);
        if (!HostText.IsWellFormed(chars))
        {
            value = null;
            return false;
        }

        value = new string(chars);
        return true;
    }

    /// <summary>A NUL-terminated UTF-8 copy in unmanaged memory that is never freed (static strings).</summary>
    public static byte* AllocStatic(string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        byte* p = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(text, new Span<byte>(p, length));
        p[length] = 0;
        return p;
    }
}
