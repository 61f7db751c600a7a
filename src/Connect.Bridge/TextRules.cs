using System.Text;

namespace Connect.Bridge;

/// <summary>Small text checks shared by the parsers and the validator.</summary>
internal static class TextRules
{
    /// <summary>True when the string has no lone surrogates (so it encodes to UTF-8 without loss).</summary>
    public static bool IsWellFormed(string s) => FirstMalformedIndex(s) < 0;

    public static int FirstMalformedIndex(string s)
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
            sb.Append(char.IsControl(c) || char.IsSurrogate(c) ? '?' : c);
        }
        return sb.ToString();
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
