namespace Connect.Bridge.Hosting;

/// <summary>What kind of value a setting takes (the CLI makes a boolean one a flag; every surface passes it to the core unjudged).</summary>
public enum SettingKind
{
    /// <summary>A string; empty means the default.</summary>
    Text,
    /// <summary>A number (whole or with a fraction, as the row's parser decides).</summary>
    Number,
    /// <summary>A boolean.</summary>
    Boolean,
}

/// <summary>
/// One setting's names on every surface. A null name says explicitly that the surface lacks the setting.
/// </summary>
/// <param name="Setting">The id (below 1000 the native option id, the value of <paramref name="Native"/>).</param>
/// <param name="Name">The name in texts (wrong-type refusals); the COM/English name where the setting is a property.</param>
/// <param name="Native">The C header's and the Pascal unit's constant (<c>CB_OPT_*</c>); null: not a native option.</param>
/// <param name="Com">The property of the COM class <c>Sender</c>, which is also the add-in's English name; null: not a property.</param>
/// <param name="Russian">The add-in's Russian property name; null exactly when <paramref name="Com"/> is null.</param>
/// <param name="Cli">The option of the CLI's <c>send</c> and <c>drop-keyboard</c>; null: the CLI has none.</param>
/// <param name="Kind">The kind of value.</param>
public sealed record SettingName(SenderSetting Setting, string Name, string? Native, string? Com, string? Russian, string? Cli, SettingKind Kind);

/// <summary>
/// The one table of setting names (issue 20 §2): the id, the <c>CB_OPT_*</c> constant, the COM/English name, the
/// Russian name, the CLI option and the kind. The add-in's member table (its setting properties, in this order) and
/// the CLI's options are built from it; the settings table takes its names from it; the COM class, the C header and
/// the Pascal unit are checked against it by tests (tests/Connect.Bridge.Tests/Core/SettingNamesTests.cs).
/// </summary>
public static class SettingNames
{
    private const string? None = null;

    /// <summary>Every setting, in the order of the add-in's properties (the host's property numbers).</summary>
    public static readonly SettingName[] All =
    [
        new(SenderSetting.BaseUrl, "BaseUrl", "CB_OPT_BASE_URL", "BaseUrl", "АдресСервиса", "--base-url", SettingKind.Text),
        new(SenderSetting.Login, "Login", "CB_OPT_LOGIN", "Login", "Логин", "--login", SettingKind.Text),
        new(SenderSetting.Password, "Password", "CB_OPT_PASSWORD", "Password", "Пароль", "--password", SettingKind.Text),
        new(SenderSetting.TimeoutMs, "TimeoutMs", "CB_OPT_TIMEOUT_MS", Com: None, Russian: None, Cli: None, SettingKind.Number),
        new(SenderSetting.TimeoutSeconds, "TimeoutSeconds", Native: None, "TimeoutSeconds", "ТаймаутСекунд", "--timeout", SettingKind.Number),
        new(SenderSetting.Language, "Language", "CB_OPT_LANGUAGE", "Language", "Язык", "--language", SettingKind.Text),
        new(SenderSetting.AuthorId, "AuthorId", "CB_OPT_AUTHOR_ID", "AuthorId", "ИдентификаторАвтора", "--author", SettingKind.Text),
        new(SenderSetting.GeneralSettings, "GeneralSettings", "CB_OPT_GENERAL_SETTINGS", "GeneralSettings", "ОбщиеНастройки", "--general-settings", SettingKind.Boolean),
        new(SenderSetting.ProxyUrl, "ProxyUrl", "CB_OPT_PROXY_URL", "ProxyUrl", "АдресПрокси", Cli: None, SettingKind.Text),
        new(SenderSetting.ProxyLogin, "ProxyLogin", "CB_OPT_PROXY_LOGIN", "ProxyLogin", "ЛогинПрокси", Cli: None, SettingKind.Text),
        new(SenderSetting.ProxyPassword, "ProxyPassword", "CB_OPT_PROXY_PASSWORD", "ProxyPassword", "ПарольПрокси", Cli: None, SettingKind.Text),
        new(SenderSetting.ProxyUseDefaultCredentials, "ProxyUseDefaultCredentials", "CB_OPT_PROXY_USE_DEFAULT_CREDENTIALS", "ProxyUseDefaultCredentials",
            "ПроксиСУчетнойЗаписьюWindows", Cli: None, SettingKind.Boolean),
        new(SenderSetting.MaxRetries, "MaxRetries", "CB_OPT_MAX_RETRIES", "MaxRetries", "ЧислоПовторов", "--max-retries", SettingKind.Number),
        new(SenderSetting.RetryDelayMs, "RetryDelayMs", "CB_OPT_RETRY_DELAY_MS", Com: None, Russian: None, Cli: None, SettingKind.Number),
        new(SenderSetting.RetryDelaySeconds, "RetryDelaySeconds", Native: None, "RetryDelaySeconds", "ПаузаПовтораСекунд", "--retry-delay", SettingKind.Number),
        new(SenderSetting.AllowInsecureHttp, "AllowInsecureHttp", "CB_OPT_ALLOW_INSECURE_HTTP", "AllowInsecureHttp", "РазрешитьНезащищенныйHttp", "--allow-insecure-http", SettingKind.Boolean),
        new(SenderSetting.LogFile, "LogFile", "CB_OPT_LOG_FILE", "LogFile", "ФайлЖурнала", "--log-file", SettingKind.Text),
        new(SenderSetting.ThrowOnError, "ThrowOnError", Native: None, "ThrowOnError", "ВызыватьИсключения", Cli: None, SettingKind.Boolean),
        // The CLI's --keyboard with --keyboard-format sets the keyboard in either form: not one of these two settings.
        new(SenderSetting.KeyboardJson, "KeyboardJson", Native: None, "KeyboardJson", "КлавиатураJson", Cli: None, SettingKind.Text),
        new(SenderSetting.KeyboardRows, "KeyboardRows", Native: None, "KeyboardRows", "КлавиатураСтроками", Cli: None, SettingKind.Text),
    ];

    private static readonly Dictionary<SenderSetting, SettingName> BySetting = All.ToDictionary(r => r.Setting);

    /// <summary>The names of a setting (every <see cref="SenderSetting"/> has a row).</summary>
    public static SettingName Of(SenderSetting setting) => BySetting[setting];

    /// <summary>The CLI option of a setting; throws when the row says the CLI has none.</summary>
    public static string CliOption(SenderSetting setting) =>
        Of(setting).Cli ?? throw new InvalidOperationException($"the setting {setting} has no CLI option in {nameof(SettingNames)}");
}
