using System.Text;

namespace Connect.Bridge.Native;

/// <summary>
/// The rules of the header's ERROR TEXT BUFFERS (native/include/connect_bridge.h), in one place for every export and
/// for the forked-child refusal (<see cref="ForkGuard"/>): a negative size, or a NULL buffer with a size above 0, is
/// refused; otherwise as much of the text as fits is copied, never splitting a UTF-8 sequence or a UTF-16 surrogate
/// pair, NUL-terminated whenever the size is above 0 (a size of 0 copies nothing), and the size needed, NUL included,
/// is returned. The copies of text already encoded allocate nothing, so a forked child may use them.
/// </summary>
internal static unsafe class CallerBuffer
{
    /// <summary>What is wrong with a caller's buffer, by the header's rule.</summary>
    public enum Fault
    {
        /// <summary>Usable: a size of 0 (the buffer may be NULL), or a non-NULL buffer of that many bytes / units.</summary>
        None,
        /// <summary>A size below 0.</summary>
        NegativeSize,
        /// <summary>A NULL buffer said to have room.</summary>
        NullWithRoom,
    }

    /// <summary>The buffer judged by the rule; never allocates.</summary>
    public static Fault Check(void* buffer, int size) =>
        size < 0 ? Fault.NegativeSize : buffer == null && size > 0 ? Fault.NullWithRoom : Fault.None;

    /// <summary>Copies <paramref name="text"/> into a buffer that passed <see cref="Check"/>: UTF-16 units when <paramref name="wide"/>, else UTF-8 bytes.</summary>
    public static int Copy(string text, void* buffer, int size, bool wide) =>
        wide ? CopyUtf16(text, (char*)buffer, size) : CopyUtf8(Encoding.UTF8.GetBytes(text), (byte*)buffer, size);

    /// <summary>Copies UTF-8 text (no NUL inside) into a buffer that passed <see cref="Check"/>; returns the bytes needed with the NUL.</summary>
    public static int CopyUtf8(ReadOnlySpan<byte> utf8, byte* buffer, int size)
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

    /// <summary>Copies UTF-16 text into a buffer that passed <see cref="Check"/>; returns the units needed with the NUL.</summary>
    public static int CopyUtf16(ReadOnlySpan<char> text, char* buffer, int size)
    {
        if (size > 0)
        {
            int n = Math.Min(text.Length, size - 1);
            if (n > 0 && n < text.Length && char.IsHighSurrogate(text[n - 1]))
            {
                n--; // text[n - 1] starts a pair whose second half does not fit
            }

            text[..n].CopyTo(new Span<char>(buffer, size));
            buffer[n] = '\0';
        }

        return text.Length + 1;
    }
}
