using Connect.Bridge.Hosting;

namespace Connect.Bridge.Native.AddIn;

/// <summary>
/// The member table of <c>AddIn.ConnectBridge.Sender</c>: every property and method of the COM class
/// (src/Connect.Bridge.Com/Sender.cs) under the same English name plus a Russian one, both found case-insensitively.
/// Each entry is one call into the hosting layer, exactly as the COM member makes it: values go to the settings table
/// (src/Connect.Bridge.Hosting) as the host passed them, and every check and every text is the core's. Indexes are the host's property and
/// method numbers. The settings' names come from the one table of names (<see cref="SettingNames"/>).
/// </summary>
internal static class SenderMembers
{
    public static readonly SenderProperty[] Properties =
    [
        // The settings, under the names of the one table (src/Connect.Bridge.Hosting/SettingNames.cs), in its order.
        .. SettingNames.All.Where(n => n.Com is not null).Select(n => Setting(n.Com!, n.Russian!, n.Setting)),
        ReadOnly("LastStatusCode", "КодСостояния", c => HostValue.Integer(c.Core.LastOutcome.Status)),
        ReadOnly("LastErrorText", "ТекстОшибки", c => HostValue.Text(c.Core.LastOutcome.ErrorText ?? "")),
        ReadOnly("IsSuccess", "Успешно", c => HostValue.Boolean(c.Core.LastOutcome.Succeeded)),
        ReadOnly("Version", "Версия", _ => HostValue.Text(BridgeInfo.Version)),
    ];

    public static readonly SenderMethod[] Methods =
    [
        new("Send", "Отправить", ["lineId", "userId", "text"], ReturnsStatus: true, Refuses: null,
            (c, a) => c.Core.Send(a[0], a[1], a[2])),
        new("DropKeyboard", "СброситьКлавиатуру", ["lineId", "userId"], ReturnsStatus: true, Refuses: null,
            (c, a) => c.Core.DropKeyboard(a[0], a[1])),
        new("AddKeyboardRow", "ДобавитьСтрокуКлавиатуры", ["buttons"], ReturnsStatus: false, Refuses: SenderSetting.KeyboardJson,
            (c, a) => c.Core.AddKeyboardRow(a[0])),
        new("ClearKeyboard", "ОчиститьКлавиатуру", [], ReturnsStatus: false, Refuses: null,
            (c, _) => c.Core.ClearKeyboard()),
    ];

    /// <summary>The index of the property named <paramref name="name"/> in either language, any case; -1 when there is none.</summary>
    public static int FindProperty(string name) =>
        Array.FindIndex(Properties, p => Same(p.English, name) || Same(p.Russian, name));

    /// <summary>The index of the method named <paramref name="name"/> in either language, any case; -1 when there is none.</summary>
    public static int FindMethod(string name) =>
        Array.FindIndex(Methods, m => Same(m.English, name) || Same(m.Russian, name));

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static SenderProperty Setting(string english, string russian, SenderSetting setting) =>
        new(english, russian, setting, c => c.Core.Get(setting), (c, v) => c.Core.Set(setting, v));

    private static SenderProperty ReadOnly(string english, string russian, Func<SenderComponent, HostValue> get) =>
        new(english, russian, null, get, null);
}
