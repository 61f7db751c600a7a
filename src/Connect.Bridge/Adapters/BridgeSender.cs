using System.Globalization;

namespace Connect.Bridge;

/// <summary>
/// The stateful sender the COM class and the native exports wrap: settings, a keyboard, and the outcome of the
/// last call. All parsing, validation and wording happens here, so the adapters only translate arguments.
/// Use one instance from one thread at a time; instances share the process-wide connection pool.
/// </summary>
public sealed class BridgeSender : IDisposable
{
    private readonly Func<ConnectClientOptions, ILineClient> _clientFactory;
    private readonly ConnectClientOptions _options = new();
    private ILineClient? _client;
    private string? _authorId;
    private bool? _generalSettings;
    private Keyboard? _keyboard;

    /// <summary>Creates a sender that talks HTTP through <see cref="ConnectClient"/>.</summary>
    public BridgeSender() : this(static options => new ConnectClient(options)) { }

    /// <summary>Creates a sender over another client implementation (the seam unit tests substitute).</summary>
    public BridgeSender(Func<ConnectClientOptions, ILineClient> clientFactory)
    {
        ArgumentNullException.ThrowIfNull(clientFactory);
        _clientFactory = clientFactory;
    }

    /// <summary>The outcome of the last call on this sender: a send, a drop, or a setting that failed or succeeded (status 0).</summary>
    public SendOutcome LastOutcome { get; private set; } = SendOutcome.Ok;

    /// <summary>The language of error texts.</summary>
    public ErrorLanguage Language => _options.Language;

    /// <summary>A copy of the current client options.</summary>
    public ConnectClientOptions Options => _options.Clone();

    /// <summary>The author id sent with messages (canonical), or null.</summary>
    public string? AuthorId => _authorId;

    /// <summary>The <c>general_settings</c> value sent with messages, or null to omit it.</summary>
    public bool? GeneralSettings => _generalSettings;

    /// <summary>The current keyboard, or null.</summary>
    public Keyboard? Keyboard => _keyboard;

    // ---- settings ---------------------------------------------------------------------------

    /// <summary>Sets an option from its text form (as the native exports pass it).</summary>
    public SendOutcome SetOption(SenderOption option, string? value)
    {
        var l = Language;
        string text = value ?? "";
        switch (option)
        {
            case SenderOption.BaseUrl:
                return Change(() => _options.BaseUrl = text.Length == 0 ? ConnectClientOptions.DefaultBaseUrl : text);
            case SenderOption.Login:
                return Change(() => _options.Login = text);
            case SenderOption.Password:
                return Change(() => _options.Password = text);
            case SenderOption.TimeoutMs:
                if (!TryParseInt(text, out int ms) || ms < 1 || ms > 3_600_000) return Record(SendOutcome.Invalid(Texts.BadTimeout(text, l)));
                return Change(() => _options.Timeout = TimeSpan.FromMilliseconds(ms));
            case SenderOption.Language:
                return text.Trim().ToLowerInvariant() switch
                {
                    "ru" or "" => Change(() => _options.Language = ErrorLanguage.Russian),
                    "en" => Change(() => _options.Language = ErrorLanguage.English),
                    _ => Record(SendOutcome.Invalid(Texts.BadLanguage(text, l))),
                };
            case SenderOption.AuthorId:
                if (text.Trim().Length == 0) return Change(() => _authorId = null, affectsClient: false);
                if (!MessageValidator.TryCanonicalUuid(text, out var author)) return Record(SendOutcome.Invalid(Texts.NotUuid("author_id", text, l)));
                return Change(() => _authorId = author, affectsClient: false);
            case SenderOption.GeneralSettings:
                if (text.Trim().Length == 0) return Change(() => _generalSettings = null, affectsClient: false);
                if (!TryParseFlag(text, out bool general)) return Record(SendOutcome.Invalid(Texts.BadBoolean("general_settings", text, l)));
                return Change(() => _generalSettings = general, affectsClient: false);
            case SenderOption.ProxyUrl:
                return Change(() => _options.ProxyUrl = text.Length == 0 ? null : text);
            case SenderOption.ProxyLogin:
                return Change(() => _options.ProxyLogin = text.Length == 0 ? null : text);
            case SenderOption.ProxyPassword:
                return Change(() => _options.ProxyPassword = text.Length == 0 ? null : text);
            case SenderOption.MaxRetries:
                if (!TryParseInt(text, out int retries)) return Record(SendOutcome.Invalid(Texts.BadRetries(text, l)));
                return SetMaxRetries(retries);
            case SenderOption.AllowInsecureHttp:
                if (!TryParseFlag(text, out bool insecure)) return Record(SendOutcome.Invalid(Texts.BadBoolean("AllowInsecureHttp", text, l)));
                return SetAllowInsecureHttp(insecure);
            default:
                return Record(BridgeErrors.UnknownOption((int)option, l));
        }
    }

    /// <summary>Reads an option in its text form; passwords read back empty.</summary>
    public string GetOption(SenderOption option) => option switch
    {
        SenderOption.BaseUrl => _options.BaseUrl,
        SenderOption.Login => _options.Login ?? "",
        SenderOption.TimeoutMs => ((long)_options.Timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        SenderOption.Language => Language == ErrorLanguage.English ? "en" : "ru",
        SenderOption.AuthorId => _authorId ?? "",
        SenderOption.GeneralSettings => _generalSettings switch { true => "1", false => "0", null => "" },
        SenderOption.ProxyUrl => _options.ProxyUrl ?? "",
        SenderOption.ProxyLogin => _options.ProxyLogin ?? "",
        SenderOption.MaxRetries => _options.MaxRetries.ToString(CultureInfo.InvariantCulture),
        SenderOption.AllowInsecureHttp => _options.AllowInsecureHttp ? "1" : "0",
        _ => "",
    };

    /// <summary>Sets the overall timeout (1 ms to 1 hour).</summary>
    public SendOutcome SetTimeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromHours(1))
            return Record(SendOutcome.Invalid(Texts.BadTimeout(timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s", Language)));
        return Change(() => _options.Timeout = timeout);
    }

    /// <summary>Sets the retry count (0..10).</summary>
    public SendOutcome SetMaxRetries(int retries)
    {
        if (retries is < 0 or > 10) return Record(SendOutcome.Invalid(Texts.BadRetries(retries.ToString(CultureInfo.InvariantCulture), Language)));
        return Change(() => _options.MaxRetries = retries);
    }

    /// <summary>Sets or clears (null) the <c>general_settings</c> field.</summary>
    public SendOutcome SetGeneralSettings(bool? value) => Change(() => _generalSettings = value, affectsClient: false);

    /// <summary>Allows plain http to non-loopback hosts.</summary>
    public SendOutcome SetAllowInsecureHttp(bool value) => Change(() => _options.AllowInsecureHttp = value);

    /// <summary>Sets the logger for the underlying client.</summary>
    public void SetLogger(Microsoft.Extensions.Logging.ILogger? logger)
    {
        _options.Logger = logger;
        ResetClient();
    }

    // ---- keyboard ---------------------------------------------------------------------------

    /// <summary>Replaces the keyboard with parsed text; null or "" clears it.</summary>
    public SendOutcome SetKeyboard(string? text, KeyboardFormat format)
    {
        if (!Enum.IsDefined(format)) return Record(BridgeErrors.UnknownKeyboardFormat((int)format, Language));
        if (string.IsNullOrEmpty(text)) return Change(() => _keyboard = null, affectsClient: false);
        var result = KeyboardParser.Parse(text, format);
        if (result.Error is not null) return Record(SendOutcome.Invalid(Texts.Keyboard(result.Error, Language)));
        return Change(() => _keyboard = result.Keyboard, affectsClient: false);
    }

    /// <summary>Appends the row(s) given in the rows form to the keyboard.</summary>
    public SendOutcome AddKeyboardRow(string? rowText)
    {
        if (rowText is null) return Record(BridgeErrors.NullArgument("buttons", Language));
        var result = KeyboardParser.ParseRows(rowText);
        if (result.Error is not null) return Record(SendOutcome.Invalid(Texts.Keyboard(result.Error, Language)));
        var rows = new List<IReadOnlyList<KeyboardButton>>(_keyboard?.Rows ?? []);
        rows.AddRange(result.Keyboard!.Rows);
        var combined = new Keyboard(rows);
        if (KeyboardParser.Check(combined) is { } error) return Record(SendOutcome.Invalid(Texts.Keyboard(error, Language)));
        return Change(() => _keyboard = combined, affectsClient: false);
    }

    /// <summary>Removes all keyboard rows.</summary>
    public void ClearKeyboard() => Change(() => _keyboard = null, affectsClient: false);

    /// <summary>The keyboard as JSON or rows text; "" when there is none.</summary>
    public string GetKeyboard(KeyboardFormat format) => _keyboard is null ? "" : format == KeyboardFormat.Rows ? _keyboard.ToRows() : _keyboard.ToJson();

    // ---- calls ------------------------------------------------------------------------------

    /// <summary>Sends a message with the sender's keyboard, author and general settings.</summary>
    public SendOutcome Send(string? lineId, string? userId, string? text) => Guard(() =>
        Client.TrySendMessage(new LineMessage(lineId!, userId!, text!)
        {
            AuthorId = _authorId,
            GeneralSettings = _generalSettings,
            Keyboard = _keyboard,
        }));

    /// <summary>Removes the keyboard shown to the user.</summary>
    public SendOutcome DropKeyboard(string? lineId, string? userId) => Guard(() => Client.TryDropKeyboard(lineId!, userId!));

    /// <summary>Records an outcome an adapter decided (a bad string encoding, or its own setting accepted) as the last outcome.</summary>
    public SendOutcome Record(SendOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return LastOutcome = outcome;
    }

    /// <summary>One call with no sender: settings, keyboard and message in one go (the native <c>cb_send</c>).</summary>
    public static SendOutcome SendOnce(string? baseUrl, string? login, string? password, string? lineId, string? userId,
        string? text, string? keyboard, KeyboardFormat keyboardFormat)
    {
        using var sender = new BridgeSender();
        var outcome = sender.SetOption(SenderOption.BaseUrl, baseUrl);
        if (outcome.IsSuccess) outcome = sender.SetOption(SenderOption.Login, login);
        if (outcome.IsSuccess) outcome = sender.SetOption(SenderOption.Password, password);
        if (outcome.IsSuccess) outcome = sender.SetKeyboard(keyboard, keyboardFormat);
        return outcome.IsSuccess ? sender.Send(lineId, userId, text) : outcome;
    }

    /// <summary>Releases the underlying client.</summary>
    public void Dispose() => ResetClient();

    // ---- plumbing ---------------------------------------------------------------------------

    private ILineClient Client => _client ??= _clientFactory(_options.Clone());

    private SendOutcome Guard(Func<SendOutcome> call)
    {
        SendOutcome outcome;
        try
        {
            outcome = call();
        }
        catch (Exception ex)
        {
            outcome = BridgeErrors.Internal(ex, Language);
        }
        return Record(outcome.WithoutSecret(_options.Password).WithoutSecret(_options.ProxyPassword));
    }

    private SendOutcome Change(Action apply, bool affectsClient = true)
    {
        apply();
        if (affectsClient) ResetClient();
        return Record(SendOutcome.Ok);
    }

    private void ResetClient()
    {
        (_client as IDisposable)?.Dispose();
        _client = null;
    }

    private static bool TryParseInt(string text, out int value) =>
        int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private static bool TryParseFlag(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "1" or "true": value = true; return true;
            case "0" or "false": value = false; return true;
            default: value = false; return false;
        }
    }
}
