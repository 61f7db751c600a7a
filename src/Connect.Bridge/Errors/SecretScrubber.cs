using System.Text;

namespace Connect.Bridge;

/// <summary>
/// The one scrubbing rule for every text that leaves the library (outcomes, exception messages, log lines).
/// </summary>
/// <remarks>
/// Texts mark every echo of outside input (a rejected value, a URL, the server's own words) as a fragment
/// (<see cref="Fragment"/>), so the scrubber knows the library's wording from what it quotes. For each secret:
/// <list type="bullet">
/// <item>the secret is masked as <c>***</c> wherever it occurs, in its raw form and in every reshaped form a text can
/// give it (whitespace runs collapsed as <see cref="TextRules.OneLine"/> does, control characters as
/// <see cref="TextRules.Excerpt"/> shows them, JSON-unescaped in a response body): scrubbing is thus never defeated
/// by the reshaping that happened before it;</item>
/// <item>a fragment cut at its length bound ("…") that ends with a prefix of the secret (4 characters or more) has that prefix masked;</item>
/// <item>a secret shorter than <see cref="MinMaskedLength"/> characters is not masked inside the library's own
/// wording (masking "e" would star every "e" and so reveal the password); instead any quoted fragment containing it
/// is replaced by <c>***</c> as a whole, and the server's text and body are withheld.</item>
/// </list>
/// </remarks>
internal static class SecretScrubber
{
    /// <summary>Secrets shorter than this are withheld by whole fragments instead of masked where they occur.</summary>
    public const int MinMaskedLength = 4;

    public const string Mask = "***";

    private const char Open = '\uE000';
    private const char Close = '\uE001';

    /// <summary>Marks an already shaped echo of outside input inside a text (removed by <see cref="Strip"/>).</summary>
    public static string Fragment(string shaped) => string.Concat(Open.ToString(), shaped, Close.ToString());

    /// <summary>True for the private-use marks a fragment uses (input never carries them into a text).</summary>
    public static bool IsMark(char c) => c is Open or Close;

    /// <summary>The text as a person reads it: fragment marks removed.</summary>
    public static string Strip(string text) =>
        text.AsSpan().IndexOfAny(Open, Close) < 0 ? text : text.Replace(Open.ToString(), "", StringComparison.Ordinal).Replace(Close.ToString(), "", StringComparison.Ordinal);

    /// <summary>Scrubs a marked library text of one secret (the result keeps its marks).</summary>
    public static string ScrubText(string text, string secret)
    {
        var forms = Forms(secret);
        bool shortSecret = secret.Length < MinMaskedLength;
        var sb = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            int open = text.IndexOf(Open, i);
            if (open < 0) { sb.Append(MaskWording(text[i..], forms, shortSecret)); break; }
            sb.Append(MaskWording(text[i..open], forms, shortSecret));
            int close = text.IndexOf(Close, open + 1);
            if (close < 0) close = text.Length;
            string fragment = text[(open + 1)..close];
            sb.Append(Open).Append(ScrubFragment(fragment, forms, shortSecret) ?? Mask).Append(Close);
            i = close + 1;
        }
        return sb.ToString();
    }

    /// <summary>A log line (or any marked text) scrubbed of every secret given and made readable.</summary>
    public static string ScrubLine(string text, params ReadOnlySpan<string?> secrets)
    {
        foreach (var secret in secrets)
            if (!string.IsNullOrEmpty(secret)) text = ScrubText(text, secret);
        return Strip(text);
    }

    /// <summary>Scrubs outside text kept whole (the server's error): null when a short secret makes it withheld.</summary>
    public static string? ScrubQuoted(string? text, string secret) =>
        text is null ? null : ScrubFragment(text, Forms(secret), secret.Length < MinMaskedLength);

    /// <summary>Scrubs a response body, also in its JSON-unescaped form (a server may write <c>\u0041</c> for <c>A</c>).</summary>
    public static string? ScrubBody(string? body, string secret)
    {
        if (body is null) return null;
        var forms = Forms(secret);
        bool shortSecret = secret.Length < MinMaskedLength;
        string? scrubbed = ScrubFragment(body, forms, shortSecret);
        if (scrubbed is null || !body.Contains('\\', StringComparison.Ordinal)) return scrubbed;
        string unescaped = JsonUnescape(body);
        if (!forms.Any(f => unescaped.Contains(f, StringComparison.Ordinal))) return scrubbed;
        // The secret is there in escaped form: the body is reported unescaped, so the mask can be applied.
        return ScrubFragment(unescaped, forms, shortSecret);
    }

    /// <summary>
    /// True when a secret of <see cref="MinMaskedLength"/> characters or more occurs in a URL part, in any form the
    /// scrubber masks (reshaped, percent-decoded, another case): what makes a password in BaseUrl or ProxyUrl refused.
    /// </summary>
    public static bool Occurs(string urlPart, string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < MinMaskedLength) return false;
        var forms = Forms(secret);
        return Matches(urlPart, forms) || Matches(Uri.UnescapeDataString(urlPart), forms);
    }

    private static bool Matches(string text, List<string> forms) => forms.Any(f => text.Contains(f, StringComparison.OrdinalIgnoreCase));

    /// <summary>The forms a secret can take in a text after reshaping, longest first.</summary>
    private static List<string> Forms(string secret)
    {
        var forms = new List<string> { secret, Collapsed(secret), Shown(secret) };
        return forms.Where(f => f.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(f => f.Length).ToList();
    }

    // As TextRules.OneLine leaves it: runs of whitespace and control characters become one space.
    private static string Collapsed(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool space = false;
        foreach (char c in s)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c)) { if (!space) sb.Append(' '); space = true; continue; }
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    // As TextRules.Excerpt shows it: control characters and surrogates as '?'.
    private static string Shown(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s) sb.Append(char.IsControl(c) || char.IsSurrogate(c) ? '?' : c);
        return sb.ToString();
    }

    private static string MaskWording(string wording, List<string> forms, bool shortSecret)
    {
        if (shortSecret) return wording; // the library's own words are never starred for a short secret
        foreach (var f in forms)
            if (f.Length >= MinMaskedLength) wording = wording.Replace(f, Mask, StringComparison.Ordinal);
        return wording;
    }

    /// <summary>Null when the fragment must be withheld as a whole.</summary>
    private static string? ScrubFragment(string fragment, List<string> forms, bool shortSecret)
    {
        if (forms.Any(f => fragment.Contains(f, StringComparison.Ordinal)))
        {
            if (shortSecret || forms.Any(f => f.Length < MinMaskedLength && fragment.Contains(f, StringComparison.Ordinal))) return null;
            foreach (var f in forms) fragment = fragment.Replace(f, Mask, StringComparison.Ordinal);
        }
        return MaskCutPrefix(fragment, forms);
    }

    // A fragment cut at its bound ends with "…": the part before it may be the start of the secret. Only a start of
    // at least MinMaskedLength characters is masked: one to three characters say little, and would coincide with
    // ordinary text (a cut "…0x" and a secret starting "0") often enough to mask texts at random.
    private static string MaskCutPrefix(string fragment, List<string> forms)
    {
        if (!fragment.EndsWith('…')) return fragment;
        string body = fragment[..^1];
        int longest = MinMaskedLength - 1;
        foreach (var f in forms)
            for (int k = Math.Min(f.Length - 1, body.Length); k > longest; k--)
                if (body.EndsWith(f[..k], StringComparison.Ordinal)) { longest = k; break; }
        return longest == MinMaskedLength - 1 ? fragment : string.Concat(body.AsSpan(0, body.Length - longest), Mask, "…");
    }

    /// <summary>Decodes JSON string escapes wherever they occur; malformed escapes are kept as they are.</summary>
    private static string JsonUnescape(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c != '\\' || i + 1 >= s.Length) { sb.Append(c); continue; }
            char e = s[i + 1];
            switch (e)
            {
                case '"' or '\\' or '/': sb.Append(e); i++; break;
                case 'b': sb.Append('\b'); i++; break;
                case 'f': sb.Append('\f'); i++; break;
                case 'n': sb.Append('\n'); i++; break;
                case 'r': sb.Append('\r'); i++; break;
                case 't': sb.Append('\t'); i++; break;
                case 'u' when i + 5 < s.Length && ushort.TryParse(s.AsSpan(i + 2, 4), System.Globalization.NumberStyles.AllowHexSpecifier,
                    System.Globalization.CultureInfo.InvariantCulture, out ushort code):
                    sb.Append((char)code); i += 5; break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }
}
