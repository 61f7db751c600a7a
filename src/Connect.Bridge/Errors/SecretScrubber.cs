using System.Text;

namespace Connect.Bridge;

/// <summary>
/// The one scrubbing rule for every text that leaves the library (outcomes, exception messages, log lines).
/// </summary>
/// <remarks>
/// Texts mark every echo of outside input (a rejected value, a URL, a host, the server's own words, an OS message) as a
/// fragment (<see cref="Fragment"/>), so the scrubber knows the library's wording from what it quotes. The wording is
/// known text: it is never starred, whatever the secret (starring "HTTP" or "request" would tell that this is the
/// password). For each secret, in every fragment:
/// <list type="bullet">
/// <item>the secret is masked as <c>***</c> wherever it occurs, in any case (ordinal case-folding), in its raw form and
/// in every reshaped form a text can give it (whitespace runs collapsed as <see cref="TextRules.OneLine"/> does,
/// control characters as <see cref="TextRules.Excerpt"/> shows them), percent-decoded (a URL's <c>%20</c> or <c>+</c>),
/// JSON-unescaped in a response body; a fragment that holds the secret only in encoded form is reported decoded, so
/// the mask can be applied;</item>
/// <item>its UTF-8 bytes in base64 are masked at each of the three alignments a base64 stream can give them (the Basic
/// token, <c>base64("x" + login + ":" + password)</c>, <c>base64(password)</c>): the run of base64 characters that only
/// the secret's bytes decide (at most two characters at each end, which mix in neighbouring bytes, stay);</item>
/// <item>a fragment cut at its length bound ("…") that ends with a prefix of the secret (4 characters or more) has that prefix masked;</item>
/// <item>a secret shorter than <see cref="MinMaskedLength"/> characters is not masked where it occurs (masking "e"
/// would star every "e" and so reveal the password); instead any quoted fragment containing it is replaced by
/// <c>***</c> as a whole, and the server's text and body are withheld.</item>
/// </list>
/// Text the library did not word at all (a command-line parser's message, a log argument) is scrubbed with
/// <see cref="ScrubForeign"/>: every occurrence of a secret of 4 characters or more is masked.
/// </remarks>
internal static class SecretScrubber
{
    /// <summary>Secrets shorter than this are withheld by whole fragments instead of masked where they occur.</summary>
    public const int MinMaskedLength = 4;

    public const string Mask = "***";

    /// <summary>A base64 run shorter than this is not looked for (it would match ordinary text by chance).</summary>
    private const int MinBase64Run = 8;

    private const char Open = '\uE000';
    private const char Close = '\uE001';

    /// <summary>Marks an already shaped echo of outside input inside a text (removed by <see cref="Strip"/>).</summary>
    public static string Fragment(string shaped) => string.Concat(Open.ToString(), shaped, Close.ToString());

    /// <summary>True for the private-use marks a fragment uses (input never carries them into a text).</summary>
    public static bool IsMark(char c) => c is Open or Close;

    /// <summary>The text as a person reads it: fragment marks removed.</summary>
    public static string Strip(string text) =>
        text.AsSpan().IndexOfAny(Open, Close) < 0 ? text : text.Replace(Open.ToString(), "", StringComparison.Ordinal).Replace(Close.ToString(), "", StringComparison.Ordinal);

    /// <summary>Scrubs a marked library text of one secret: its fragments; the wording stays (the result keeps its marks).</summary>
    public static string ScrubText(string text, string secret)
    {
        if (text.IndexOf(Open) < 0) return text;
        var forms = Forms(secret);
        bool shortSecret = secret.Length < MinMaskedLength;
        var sb = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            int open = text.IndexOf(Open, i);
            if (open < 0) { sb.Append(text.AsSpan(i)); break; }
            sb.Append(text.AsSpan(i, open - i));
            int close = text.IndexOf(Close, open + 1);
            if (close < 0) close = text.Length;
            string fragment = text[(open + 1)..close];
            sb.Append(Open).Append(ScrubFragment(fragment, forms, shortSecret) ?? Mask).Append(Close);
            i = close + 1;
        }
        return sb.ToString();
    }

    /// <summary>A library text (marked) scrubbed of every secret given and made readable.</summary>
    public static string ScrubLine(string text, params ReadOnlySpan<string?> secrets)
    {
        foreach (var secret in secrets)
            if (!string.IsNullOrEmpty(secret)) text = ScrubText(text, secret);
        return Strip(text);
    }

    /// <summary>
    /// Text the library did not word (a parser's message, a log argument): every occurrence of each secret of
    /// <see cref="MinMaskedLength"/> characters or more is masked, as in a fragment.
    /// </summary>
    public static string ScrubForeign(string text, params ReadOnlySpan<string?> secrets)
    {
        foreach (var secret in secrets)
            if (secret is { Length: >= MinMaskedLength }) text = ScrubFragment(text, Forms(secret), shortSecret: false) ?? Mask;
        return text;
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
        if (!Contains(unescaped, forms)) return scrubbed;
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
        return Contains(urlPart, forms) || Contains(Uri.UnescapeDataString(urlPart), forms);
    }

    /// <summary>One form a secret can take in a text, and how it is compared (text forms fold case; base64 does not).</summary>
    private readonly record struct Form(string Text, StringComparison Comparison);

    private static bool Contains(string text, List<Form> forms) => forms.Exists(f => text.Contains(f.Text, f.Comparison));

    /// <summary>The forms a secret can take in a text after reshaping or encoding, longest first.</summary>
    private static List<Form> Forms(string secret)
    {
        var forms = new List<Form>();
        foreach (var text in new[] { secret, Collapsed(secret), Shown(secret) })
            if (text.Length > 0) forms.Add(new Form(text, StringComparison.OrdinalIgnoreCase));
        byte[] bytes = Encoding.UTF8.GetBytes(secret);
        if (Convert.ToBase64String(bytes) is { Length: >= MinBase64Run } alone) forms.Add(new Form(alone, StringComparison.Ordinal));
        // At alignment j the secret's bytes from j on start a base64 group: whole groups of them encode alone.
        for (int j = 0; j < 3; j++)
        {
            int whole = (bytes.Length - j) / 3 * 3;
            if (whole <= 0) continue;
            string run = Convert.ToBase64String(bytes, j, whole);
            if (run.Length >= MinBase64Run) forms.Add(new Form(run, StringComparison.Ordinal));
        }
        return forms.DistinctBy(f => f.Text).OrderByDescending(f => f.Text.Length).ToList();
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

    /// <summary>Null when the fragment must be withheld as a whole.</summary>
    private static string? ScrubFragment(string fragment, List<Form> forms, bool shortSecret)
    {
        // A fragment that holds the secret only percent-encoded (a URL) is reported decoded, so the mask applies.
        if (!Contains(fragment, forms) && CutPrefix(fragment, forms) == 0 && (fragment.Contains('%', StringComparison.Ordinal) || fragment.Contains('+', StringComparison.Ordinal)))
        {
            foreach (var decoded in new[] { Uri.UnescapeDataString(fragment), Uri.UnescapeDataString(fragment.Replace('+', ' ')) })
                if (Contains(decoded, forms) || CutPrefix(decoded, forms) > 0) { fragment = decoded; break; }
        }
        if (Contains(fragment, forms))
        {
            if (shortSecret || forms.Exists(f => f.Text.Length < MinMaskedLength && fragment.Contains(f.Text, f.Comparison))) return null;
            foreach (var f in forms) fragment = fragment.Replace(f.Text, Mask, f.Comparison);
        }
        int cut = CutPrefix(fragment, forms);
        return cut == 0 ? fragment : string.Concat(fragment.AsSpan(0, fragment.Length - 1 - cut), Mask, "…");
    }

    // A fragment cut at its bound ends with "…": the part before it may be the start of the secret. Only a start of
    // at least MinMaskedLength characters is masked: one to three characters say little, and would coincide with
    // ordinary text (a cut "…0x" and a secret starting "0") often enough to mask texts at random. The length of the
    // longest such start, or 0.
    private static int CutPrefix(string fragment, List<Form> forms)
    {
        if (!fragment.EndsWith('…')) return 0;
        string body = fragment[..^1];
        int longest = 0;
        foreach (var f in forms)
            for (int k = Math.Min(f.Text.Length - 1, body.Length); k >= MinMaskedLength && k > longest; k--)
                if (body.EndsWith(f.Text[..k], f.Comparison)) { longest = k; break; }
        return longest;
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
