using System.Text;

namespace Connect.Bridge;

/// <summary>Small text checks shared by the parsers and the validator.</summary>
internal static class TextRules
{
    /// <summary>True when the string has no lone surrogates (so it encodes to UTF-8 without loss).</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> s) => FirstMalformedIndex(s) < 0;

    public static int FirstMalformedIndex(ReadOnlySpan<char> s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
                return i;
            }
            if (char.IsLowSurrogate(c)) return i;
        }
        return -1;
    }

    public static bool HasControlChars(string s)
    {
        foreach (char c in s)
            if (char.IsControl(c)) return true;
        return false;
    }

    /// <summary>A short, single-line, printable excerpt of user input for an error text.</summary>
    public static string Excerpt(string? s, int max = 40)
    {
        if (s is null) return "";
        var sb = new StringBuilder(Math.Min(s.Length, max) + 1);
        foreach (char c in s)
        {
            if (sb.Length >= max) { sb.Append('…'); break; }
            sb.Append(char.IsControl(c) || char.IsSurrogate(c) || SecretScrubber.IsMark(c) ? '?' : c);
        }
        return sb.ToString();
    }

    /// <summary>An <see cref="Excerpt"/> of user input marked as an echo, so the secret scrubbing knows it from the wording.</summary>
    public static string Echo(string? s, int max = 40) => SecretScrubber.Fragment(Excerpt(s, max));

    /// <summary>An echo of a URL: its user-info (which may hold a password) is masked before the excerpt is cut.</summary>
    public static string EchoUrl(string? url, int max = 80) => Echo(MaskUserInfo(url), max);

    /// <summary>"scheme://user:pass@host/..." becomes "scheme://***@host/..."; also without a scheme ("user:pass@host").</summary>
    public static string? MaskUserInfo(string? url)
    {
        if (url is null) return null;
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        int start = scheme < 0 ? 0 : scheme + 3;
        int end = url.IndexOfAny(['/', '?', '#'], start);
        if (end < 0) end = url.Length;
        if (end <= start) return url;
        int at = url.LastIndexOf('@', end - 1, end - start);
        return at < 0 ? url : string.Concat(url.AsSpan(0, start), SecretScrubber.Mask, url.AsSpan(at));
    }

    /// <summary>Makes server text one readable line of bounded length.</summary>
    public static string OneLine(string s, int max = 300)
    {
        var sb = new StringBuilder(Math.Min(s.Length, max) + 1);
        bool space = false;
        foreach (char c in s.Trim())
        {
            if (sb.Length >= max) { sb.Append('…'); break; }
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                if (!space) sb.Append(' ');
                space = true;
                continue;
            }
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }
}
