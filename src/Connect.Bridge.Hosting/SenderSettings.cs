using System.Globalization;

namespace Connect.Bridge.Hosting;

/// <summary>
/// The one table of sender settings: for each, its id, name, bound, parser and wording. Every surface (COM, native,
/// CLI, the 1C add-in) passes a <see cref="HostValue"/> here unjudged, so conversions and texts exist once.
/// </summary>
/// <remarks>
/// Rules shared by all rows: text settings take a string, and empty (Неопределено, NULL, "") means the default;
/// numbers are accepted as numbers or as invariant text (a decimal comma counts as the point) and must be whole where the unit is whole; booleans are
/// accepted as booleans, 1/0, or the words true/false/Истина/Ложь (any case). GeneralSettings is the one
/// three-state setting: false is sent as false, empty omits the field.
/// </remarks>
internal static class SenderSettings
{
    private static readonly Dictionary<SenderSetting, SettingEntry> Entries = Build().ToDictionary(e => e.Setting);

    /// <summary>The row of a setting, or null for a number that names none.</summary>
    public static SettingEntry? Find(SenderSetting setting) => Entries.GetValueOrDefault(setting);

    /// <summary>The row for a native option id (CB_OPT_*), or null when the id is unknown.</summary>
    public static SettingEntry? FindOption(int optionId) => optionId is > 0 and < 1000 ? Find((SenderSetting)optionId) : null;

    private static IEnumerable<SettingEntry> Build()
    {
        yield return Text(SenderSetting.BaseUrl, (s, v) => s.Options.BaseUrl = v ?? ConnectClientOptions.DefaultBaseUrl, s => s.Options.BaseUrl);
        yield return Text(SenderSetting.Login, (s, v) => s.Options.Login = v ?? "", s => s.Options.Login);
        yield return Text(SenderSetting.Password, (s, v) => s.Options.Password = v ?? "", _ => "");
        foreach (var row in Duration(SenderSetting.TimeoutMs, SenderSetting.TimeoutSeconds, Limits.MinTimeoutMs, Limits.MaxTimeoutMs,
                     Texts.BadTimeout, (s, v) => s.Options.Timeout = v, s => s.Options.Timeout))
            yield return row;
        yield return new(SenderSetting.Language, N(SenderSetting.Language), SenderSetting.Language,
            (v, l) => v.Kind is not (HostValueKind.Text or HostValueKind.Empty) ? WrongType(N(SenderSetting.Language), "string", v, l)
                : HostLanguage.TryParse(v.AsText, out var language) ? ParsedSetting.Accept(language)
                : ParsedSetting.Refuse(Texts.BadLanguage(v.ToString(), l)),
            (s, v) => s.Options.Language = (ErrorLanguage)v!, s => HostValue.Text(HostLanguage.Name(s.Options.Language)), true);
        yield return new(SenderSetting.AuthorId, N(SenderSetting.AuthorId), SenderSetting.AuthorId,
            (v, l) => v.Kind is not (HostValueKind.Text or HostValueKind.Empty) ? WrongType(N(SenderSetting.AuthorId), "string", v, l)
                : string.IsNullOrWhiteSpace(v.AsText) ? ParsedSetting.Accept(null)
                : MessageValidator.TryCanonicalUuid(v.AsText, out var author) ? ParsedSetting.Accept(author)
                : ParsedSetting.Refuse(Texts.NotUuid("author_id", v.AsText, l)),
            (s, v) => s.AuthorId = (string?)v, s => HostValue.Text(s.AuthorId ?? ""), false);
        yield return new(SenderSetting.GeneralSettings, N(SenderSetting.GeneralSettings), SenderSetting.GeneralSettings,
            (v, l) => IsNothing(v) ? ParsedSetting.Accept(null) : Flag(v, N(SenderSetting.GeneralSettings), "general_settings", l),
            (s, v) => s.GeneralSettings = (bool?)v, s => s.GeneralSettings is { } b ? HostValue.Boolean(b) : HostValue.Empty, false);
        yield return Text(SenderSetting.ProxyUrl, (s, v) => s.Options.ProxyUrl = v, s => s.Options.ProxyUrl);
        yield return Text(SenderSetting.ProxyLogin, (s, v) => s.Options.ProxyLogin = v, s => s.Options.ProxyLogin);
        yield return Text(SenderSetting.ProxyPassword, (s, v) => s.Options.ProxyPassword = v, _ => "");
        yield return new(SenderSetting.MaxRetries, N(SenderSetting.MaxRetries), SenderSetting.MaxRetries,
            (v, l) => TryWhole(v, out long retries) && retries >= 0 && retries <= Limits.MaxRetries
                ? ParsedSetting.Accept((int)retries)
                : NumberRefusal(v, N(SenderSetting.MaxRetries), Texts.BadRetries(v.ToString(), l), l),
            (s, v) => s.Options.MaxRetries = (int)v!, s => HostValue.Integer(s.Options.MaxRetries), true);
        foreach (var row in Duration(SenderSetting.RetryDelayMs, SenderSetting.RetryDelaySeconds, Limits.MinRetryDelayMs, Limits.MaxRetryDelayMs,
                     Texts.BadRetryDelay, (s, v) => s.Options.RetryDelay = v, s => s.Options.RetryDelay))
            yield return row;
        yield return new(SenderSetting.AllowInsecureHttp, N(SenderSetting.AllowInsecureHttp), SenderSetting.AllowInsecureHttp,
            (v, l) => Flag(v, N(SenderSetting.AllowInsecureHttp), N(SenderSetting.AllowInsecureHttp), l),
            (s, v) => s.Options.AllowInsecureHttp = (bool)v!, s => HostValue.Boolean(s.Options.AllowInsecureHttp), true);
        yield return new(SenderSetting.ProxyUseDefaultCredentials, N(SenderSetting.ProxyUseDefaultCredentials), SenderSetting.ProxyUseDefaultCredentials,
            (v, l) => Flag(v, N(SenderSetting.ProxyUseDefaultCredentials), N(SenderSetting.ProxyUseDefaultCredentials), l),
            (s, v) => s.Options.ProxyUseDefaultCredentials = (bool)v!, s => HostValue.Boolean(s.Options.ProxyUseDefaultCredentials), true);
        yield return new(SenderSetting.LogFile, N(SenderSetting.LogFile), SenderSetting.LogFile,
            (v, l) => v.Kind is not (HostValueKind.Text or HostValueKind.Empty) ? WrongType(N(SenderSetting.LogFile), "string", v, l)
                : string.IsNullOrEmpty(v.AsText) ? ParsedSetting.Accept(null)
                : FileLog.Check(v.AsText, l) is { } problem ? ParsedSetting.Refuse(problem)
                : ParsedSetting.Accept(v.AsText),
            (s, v) => s.LogFile = (string?)v, s => HostValue.Text(s.LogFile ?? ""), true);
        yield return Keyboard(SenderSetting.KeyboardJson, KeyboardFormat.Json);
        yield return Keyboard(SenderSetting.KeyboardRows, KeyboardFormat.Rows);
        yield return new(SenderSetting.ThrowOnError, N(SenderSetting.ThrowOnError), SenderSetting.ThrowOnError,
            (v, l) => Flag(v, N(SenderSetting.ThrowOnError), N(SenderSetting.ThrowOnError), l),
            (s, v) => s.ThrowOnError = (bool)v!, s => HostValue.Boolean(s.ThrowOnError), false);
    }

    /// <summary>The keyboard in a given text format: the one parser, with its texts; empty clears the keyboard.</summary>
    public static ParsedSetting ParseKeyboard(HostValue value, KeyboardFormat format, string name, ErrorLanguage l)
    {
        if (value.Kind is not (HostValueKind.Text or HostValueKind.Empty)) return WrongType(name, "string", value, l);
        if (string.IsNullOrEmpty(value.AsText)) return ParsedSetting.Accept(null);
        var result = KeyboardParser.Parse(value.AsText, format);
        return result.Error is null ? ParsedSetting.Accept(result.Keyboard) : ParsedSetting.Refuse(Texts.Keyboard(result.Error, l));
    }

    /// <summary>A keyboard format by number (0, 1, 2) or by name (auto, json, rows), as each surface passes it.</summary>
    public static ParsedSetting ParseKeyboardFormat(HostValue value, ErrorLanguage l)
    {
        KeyboardFormat? format = value.Kind switch
        {
            HostValueKind.Empty => KeyboardFormat.Auto,
            HostValueKind.Integer when value.AsInteger is >= 0 and <= 2 => (KeyboardFormat)value.AsInteger,
            HostValueKind.Text => value.AsText!.Trim().ToLowerInvariant() switch
            {
                "" or "auto" or "0" => KeyboardFormat.Auto,
                "json" or "1" => KeyboardFormat.Json,
                "rows" or "2" => KeyboardFormat.Rows,
                _ => null,
            },
            _ => null,
        };
        return format is { } f ? ParsedSetting.Accept(f) : ParsedSetting.Refuse(Texts.UnknownKeyboardFormat(value.ToString(), l));
    }

    // ---- row builders and shared parsers ----------------------------------------------------

    /// <summary>Seconds as given: a whole number reads back as an integer (VT_I4), a fraction as a number (1.5 stays 1.5).</summary>
    private static HostValue Seconds(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerSecond == 0 ? HostValue.Integer((long)span.TotalSeconds) : HostValue.Number(span.TotalSeconds);

    /// <summary>
    /// A duration's two rows: whole milliseconds (the native option, read back as an integer) and seconds with
    /// fractions (COM, the add-in, the CLI); one slot, so a valid value of either clears the other's refusal.
    /// </summary>
    private static IEnumerable<SettingEntry> Duration(SenderSetting ms, SenderSetting seconds, int minMs, int maxMs,
        Func<string, ErrorLanguage, string> refusal, Action<SenderState, TimeSpan> apply, Func<SenderState, TimeSpan> read)
    {
        yield return new(ms, N(ms), ms,
            (v, l) => TryWhole(v, out long value) && value >= minMs && value <= maxMs
                ? ParsedSetting.Accept(TimeSpan.FromMilliseconds(value))
                : NumberRefusal(v, N(ms), refusal(v.ToString(), l), l),
            (s, v) => apply(s, (TimeSpan)v!), s => HostValue.Integer((long)read(s).TotalMilliseconds), true);
        yield return new(seconds, N(seconds), ms,
            (v, l) => TryNumber(v, out double value) && value * 1000 >= minMs && value * 1000 <= maxMs
                ? ParsedSetting.Accept(TimeSpan.FromSeconds(value))
                : NumberRefusal(v, N(seconds), refusal(v.ToString(), l), l),
            (s, v) => apply(s, (TimeSpan)v!), s => Seconds(read(s)), true);
    }

    /// <summary>A setting's name in texts, from the one table of names.</summary>
    private static string N(SenderSetting setting) => SettingNames.Of(setting).Name;

    private static SettingEntry Text(SenderSetting setting, Action<SenderState, string?> apply, Func<SenderState, string?> read) =>
        Text(setting, N(setting), apply, read);

    private static SettingEntry Text(SenderSetting setting, string name, Action<SenderState, string?> apply, Func<SenderState, string?> read) =>
        new(setting, name, setting,
            (v, l) => v.Kind is HostValueKind.Text or HostValueKind.Empty
                ? ParsedSetting.Accept(string.IsNullOrEmpty(v.AsText) ? null : v.AsText)
                : WrongType(name, "string", v, l),
            (s, v) => apply(s, (string?)v), s => HostValue.Text(read(s) ?? ""), true);

    private static SettingEntry Keyboard(SenderSetting setting, KeyboardFormat format) => Keyboard(setting, N(setting), format);

    private static SettingEntry Keyboard(SenderSetting setting, string name, KeyboardFormat format) =>
        new(setting, name, SenderSetting.KeyboardJson,
            (v, l) => ParseKeyboard(v, format, name, l),
            (s, v) => s.Keyboard = (Keyboard?)v,
            s => HostValue.Text(s.Keyboard is null ? "" : format == KeyboardFormat.Rows ? s.Keyboard.ToRows() : s.Keyboard.ToJson()), false);

    private static bool IsNothing(HostValue v) => v.Kind == HostValueKind.Empty || (v.Kind == HostValueKind.Text && v.AsText!.Trim().Length == 0);

    private static ParsedSetting WrongType(string name, string expected, HostValue v, ErrorLanguage l) =>
        ParsedSetting.Refuse(Texts.WrongArgumentType(name, expected, v.KindName, l));

    /// <summary>A refused number: of the wrong kind altogether, or out of bounds / not whole (the setting's own text).</summary>
    private static ParsedSetting NumberRefusal(HostValue v, string name, string boundText, ErrorLanguage l) =>
        v.Kind is HostValueKind.Boolean or HostValueKind.Other ? WrongType(name, "number", v, l) : ParsedSetting.Refuse(boundText);

    private static ParsedSetting Flag(HostValue v, string name, string field, ErrorLanguage l)
    {
        bool? flag = v.Kind switch
        {
            HostValueKind.Boolean => v.AsBoolean,
            HostValueKind.Integer => v.AsInteger switch { 1 => true, 0 => false, _ => null },
            HostValueKind.Number => v.AsNumber switch { 1 => true, 0 => false, _ => null },
            HostValueKind.Text => v.AsText!.Trim().ToLowerInvariant() switch
            {
                "1" or "true" or "истина" => true,
                "0" or "false" or "ложь" => false,
                _ => null,
            },
            _ => null,
        };
        if (flag is { } b) return ParsedSetting.Accept(b);
        return v.Kind == HostValueKind.Other ? WrongType(name, "boolean", v, l) : ParsedSetting.Refuse(Texts.BadBoolean(field, v.ToString(), l));
    }

    /// <summary>A whole number: an integer, a finite number with no fraction, or invariant integer text.</summary>
    private static bool TryWhole(HostValue v, out long value)
    {
        value = 0;
        switch (v.Kind)
        {
            case HostValueKind.Integer:
                value = v.AsInteger;
                return true;
            case HostValueKind.Number when double.IsFinite(v.AsNumber) && v.AsNumber == Math.Floor(v.AsNumber) && Math.Abs(v.AsNumber) < 1e15:
                value = (long)v.AsNumber;
                return true;
            case HostValueKind.Text:
                return long.TryParse(v.AsText!.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
            default:
                return false;
        }
    }

    /// <summary>
    /// The decimal comma Russian users type ("1,5") read as the decimal point; a comma is never a thousands separator
    /// (so "1,5" is never 15). Text with a point and a comma, or two commas, is left to be refused.
    /// </summary>
    private static string DecimalPoint(string text) =>
        text.Count(c => c == ',') == 1 && !text.Contains('.', StringComparison.Ordinal) ? text.Replace(',', '.') : text;

    /// <summary>A finite number: an integer, a number, or invariant decimal text (no NaN, no infinity).</summary>
    private static bool TryNumber(HostValue v, out double value)
    {
        value = v.Kind switch
        {
            HostValueKind.Integer => v.AsInteger,
            HostValueKind.Number => v.AsNumber,
            HostValueKind.Text when double.TryParse(DecimalPoint(v.AsText!.Trim()), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => double.NaN,
        };
        return double.IsFinite(value);
    }
}
