using System.Runtime.InteropServices;
using System.Text;

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

/// <summary>Decoding of caller strings and copying of error texts into caller buffers.</summary>
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
        for (int i = 0; i < chars.Length; i++)
        {
            char c = chars[i];
            if (char.IsHighSurrogate(c) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                value = null;
                return false;
            }
        }

        value = new string(chars);
        return true;
    }

    /// <summary>
    /// Copies <paramref name="text"/> as UTF-8 into a caller buffer of <paramref name="size"/> bytes:
    /// as much as fits without splitting a sequence, NUL-terminated when size &gt; 0.
    /// Returns the size needed including the NUL. The caller has checked size &gt;= 0 and buffer.
    /// </summary>
    public static int CopyUtf8(string text, byte* buffer, int size)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        if (size > 0)
        {
            Span<byte> destination = new(buffer, size);
            if (length < size)
            {
                Encoding.UTF8.GetBytes(text, destination);
                destination[length] = 0;
            }
            else
            {
                CopyUtf8Bytes(Encoding.UTF8.GetBytes(text), buffer, size);
            }
        }

        return length + 1;
    }

    /// <summary>
    /// <see cref="CopyUtf8"/> for text already encoded (no NUL inside): the same rules, and no allocation, so it is
    /// safe where the runtime must not be disturbed (a forked child).
    /// </summary>
    public static int CopyUtf8Bytes(ReadOnlySpan<byte> utf8, byte* buffer, int size)
    {
        if (size > 0)
        {
            int n = Math.Min(utf8.Length, size - 1);
            while (n > 0 && n < utf8.Length && (utf8[n] & 0xC0) == 0x80)
            {
                n--; // utf8[n] continues a sequence that starts before it: stop before that sequence
            }

            utf8[..n].CopyTo(new Span<byte>(buffer, size));
            buffer[n] = 0;
        }

        return utf8.Length + 1;
    }

    /// <summary>
    /// Copies <paramref name="text"/> as UTF-16 into a caller buffer of <paramref name="size"/> units:
    /// as much as fits without splitting a surrogate pair, NUL-terminated when size &gt; 0.
    /// Returns the size needed in units including the NUL.
    /// </summary>
    public static int CopyUtf16(string text, char* buffer, int size)
    {
        if (size > 0)
        {
            Span<char> destination = new(buffer, size);
            int n = Math.Min(text.Length, size - 1);
            if (n > 0 && n < text.Length && char.IsHighSurrogate(text[n - 1]))
            {
                n--;
            }

            text.AsSpan(0, n).CopyTo(destination);
            destination[n] = '\0';
        }

        return text.Length + 1;
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
