using System.Globalization;

namespace Connect.Bridge.Native.AddIn;

/// <summary>
/// The member table of <c>AddIn.ConnectBridge.Sender</c>: every property and method of the COM class
/// (src/Connect.Bridge.Com/Sender.cs) under the same English name plus a Russian one, both found case-insensitively.
/// Each entry calls the core exactly as the COM member does; kinds of values are checked here only to pick the core
/// call, every complaint is the core's (<see cref="BridgeErrors"/>). Indexes are the host's property and method numbers.
/// </summary>
internal static class SenderMembers
{
    public static readonly SenderProperty[] Properties =
    [
        Text("BaseUrl", "АдресСервиса", SenderOption.BaseUrl),
        Text("Login", "Логин", SenderOption.Login),
        WriteOnlyText("Password", "Пароль", SenderOption.Password),
        new("TimeoutSeconds", "ТаймаутСекунд",
            c => AddInValue.FromInteger((int)Math.Round(c.Core.Options.Timeout.TotalSeconds, MidpointRounding.AwayFromZero)),
            (c, v) => v.TryNumber(out double seconds)
                ? double.IsFinite(seconds) && Math.Abs(seconds) < 1e9
                    ? c.Core.SetTimeout(TimeSpan.FromSeconds(seconds))
                    : c.Core.SetOption(SenderOption.TimeoutMs, NumberText(seconds))
                : c.WrongType("TimeoutSeconds", "integer", v)),
        Text("Language", "Язык", SenderOption.Language),
        Text("AuthorId", "ИдентификаторАвтора", SenderOption.AuthorId),
        new("GeneralSettings", "ОбщиеНастройки",
            c => AddInValue.FromBoolean(c.Core.GeneralSettings == true),
            (c, v) => v.TryBoolean(out bool flag) ? c.Core.SetGeneralSettings(flag ? true : null) : c.WrongType("GeneralSettings", "boolean", v)),
        Text("ProxyUrl", "АдресПрокси", SenderOption.ProxyUrl),
        Text("ProxyLogin", "ЛогинПрокси", SenderOption.ProxyLogin),
        WriteOnlyText("ProxyPassword", "ПарольПрокси", SenderOption.ProxyPassword),
        new("MaxRetries", "ЧислоПовторов",
            c => AddInValue.FromInteger(c.Core.Options.MaxRetries),
            (c, v) => v.TryNumber(out double retries)
                ? retries == Math.Floor(retries) && retries is >= int.MinValue and <= int.MaxValue
                    ? c.Core.SetMaxRetries((int)retries)
                    : c.Core.SetOption(SenderOption.MaxRetries, NumberText(retries))
                : c.WrongType("MaxRetries", "integer", v)),
        new("AllowInsecureHttp", "РазрешитьНезащищенныйHttp",
            c => AddInValue.FromBoolean(c.Core.Options.AllowInsecureHttp),
            (c, v) => v.TryBoolean(out bool flag) ? c.Core.SetAllowInsecureHttp(flag) : c.WrongType("AllowInsecureHttp", "boolean", v)),
        new("ThrowOnError", "ВызыватьИсключения",
            c => AddInValue.FromBoolean(c.ThrowOnError),
            (c, v) =>
            {
                if (!v.TryBoolean(out bool flag)) return c.WrongType("ThrowOnError", "boolean", v);
                c.ThrowOnError = flag;
                return null;
            }),
        new("KeyboardJson", "КлавиатураJson",
            c => AddInValue.FromText(c.Core.GetKeyboard(KeyboardFormat.Json)),
            (c, v) => v.TryText(out string text) ? c.Core.SetKeyboard(text, KeyboardFormat.Json) : c.WrongType("KeyboardJson", "string", v)),
        new("KeyboardRows", "КлавиатураСтроками",
            c => AddInValue.FromText(c.Core.GetKeyboard(KeyboardFormat.Rows)),
            (c, v) => v.TryText(out string text) ? c.Core.SetKeyboard(text, KeyboardFormat.Rows) : c.WrongType("KeyboardRows", "string", v)),
        new("LastStatusCode", "КодСостояния", c => AddInValue.FromInteger(c.Core.LastOutcome.Status), null),
        new("LastErrorText", "ТекстОшибки", c => AddInValue.FromText(c.Core.LastOutcome.ErrorText ?? ""), null),
        new("IsSuccess", "Успешно", c => AddInValue.FromBoolean(c.Core.LastOutcome.IsSuccess), null),
        new("Version", "Версия", _ => AddInValue.FromText(BridgeInfo.Version), null),
    ];

    public static readonly SenderMethod[] Methods =
    [
        new("Send", "Отправить", ["lineId", "userId", "text"], ReturnsStatus: true, (c, a) =>
        {
            if (!a[0].TryText(out string line)) return c.WrongType("lineId", "string", a[0]);
            if (!a[1].TryText(out string user)) return c.WrongType("userId", "string", a[1]);
            if (!a[2].TryText(out string message)) return c.WrongType("text", "string", a[2]);
            return c.Core.Send(line, user, message);
        }),
        new("DropKeyboard", "СброситьКлавиатуру", ["lineId", "userId"], ReturnsStatus: true, (c, a) =>
        {
            if (!a[0].TryText(out string line)) return c.WrongType("lineId", "string", a[0]);
            if (!a[1].TryText(out string user)) return c.WrongType("userId", "string", a[1]);
            return c.Core.DropKeyboard(line, user);
        }),
        new("AddKeyboardRow", "ДобавитьСтрокуКлавиатуры", ["buttons"], ReturnsStatus: false, (c, a) =>
            a[0].TryText(out string row) ? c.Core.AddKeyboardRow(row) : c.WrongType("buttons", "string", a[0])),
        new("ClearKeyboard", "ОчиститьКлавиатуру", [], ReturnsStatus: false, (c, _) =>
        {
            c.Core.ClearKeyboard();
            return c.Core.LastOutcome;
        }),
    ];

    /// <summary>The index of the property named <paramref name="name"/> in either language, any case; -1 when there is none.</summary>
    public static int FindProperty(string name) =>
        Array.FindIndex(Properties, p => Same(p.English, name) || Same(p.Russian, name));

    /// <summary>The index of the method named <paramref name="name"/> in either language, any case; -1 when there is none.</summary>
    public static int FindMethod(string name) =>
        Array.FindIndex(Methods, m => Same(m.English, name) || Same(m.Russian, name));

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static SenderProperty Text(string english, string russian, SenderOption option) =>
        new(english, russian,
            c => AddInValue.FromText(c.Core.GetOption(option)),
            (c, v) => v.TryText(out string text) ? c.Core.SetOption(option, text) : c.WrongType(english, "string", v));

    /// <summary>A secret: reads back "" as COM does.</summary>
    private static SenderProperty WriteOnlyText(string english, string russian, SenderOption option) =>
        new(english, russian,
            _ => AddInValue.FromText(""),
            (c, v) => v.TryText(out string text) ? c.Core.SetOption(option, text) : c.WrongType(english, "string", v));

    /// <summary>A number as invariant text, for values only the core's text-form setters can word (fractional, out of range).</summary>
    private static string NumberText(double number) => number.ToString("R", CultureInfo.InvariantCulture);
}
