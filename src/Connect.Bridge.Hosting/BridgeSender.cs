namespace Connect.Bridge.Hosting;

/// <summary>
/// The stateful sender every adapter wraps (COM class, native exports, CLI, the 1C add-in): settings, a keyboard,
/// and the outcome of the last call. Values arrive as <see cref="HostValue"/> and are judged by
/// <see cref="SenderSettings"/>, so the adapters only translate arguments.
/// </summary>
/// <remarks>
/// A refused setting is sticky: until that setting is set again to a valid value, every send and drop returns
/// its refusal (-1, its text) and sends nothing, and <see cref="LastOutcome"/> keeps reporting it even after
/// other settings are accepted. Calls on one instance from several threads are serialized (each waits for the one
/// before it, as COM's apartment would), so a send never races a setter or another send on the same sender; separate
/// instances run in parallel and share the connection pool.
/// </remarks>
public sealed class BridgeSender : IDisposable
{
    private readonly Func<ConnectClientOptions, ILineClient> _clientFactory;
    private readonly SenderState _state = new();
    // Refusals by slot, in the order they happened: the oldest one is what sends and LastOutcome report.
    private readonly List<(SenderSetting Slot, SendOutcome Outcome)> _refusals = [];
    private Microsoft.Extensions.Logging.ILogger? _logger;
    private ILineClient? _client;
    // One call at a time per sender: a second thread waits, so no outcome, client or keyboard is shared mid-call.
    private readonly Lock _gate = new();

    /// <summary>Creates a sender that talks HTTP through <see cref="ConnectClient"/>.</summary>
    public BridgeSender() : this(static options => new ConnectClient(options)) { }

    /// <summary>Creates a sender over another client implementation (the seam unit tests substitute).</summary>
    public BridgeSender(Func<ConnectClientOptions, ILineClient> clientFactory)
    {
        ArgumentNullException.ThrowIfNull(clientFactory);
        _clientFactory = clientFactory;
    }

    /// <summary>The outcome of the last call: a send, a drop, a refused setting (sticky) or status 0 when all settings stand.</summary>
    /// <remarks>Scrubbed of the secrets set now, so an echo recorded before the password was set is masked too.</remarks>
    public SendOutcome LastOutcome
    {
        get { lock (_gate) return Scrub(_last); }
        private set { lock (_gate) _last = value; }
    }

    private SendOutcome _last = SendOutcome.Ok;

    /// <summary>The language of error texts.</summary>
    public ErrorLanguage Language => _state.Options.Language;

    /// <summary>A copy of the current client options.</summary>
    public ConnectClientOptions Options => _state.Options.Clone();

    /// <summary>The author id sent with messages (canonical), or null.</summary>
    public string? AuthorId => _state.AuthorId;

    /// <summary>The <c>general_settings</c> value sent with messages, or null to omit it.</summary>
    public bool? GeneralSettings => _state.GeneralSettings;

    /// <summary>The current keyboard, or null.</summary>
    public Keyboard? Keyboard => _state.Keyboard;

    /// <summary>Whether the hosting adapter raises on a failed call (COM, the add-in).</summary>
    public bool ThrowOnError => _state.ThrowOnError;

    // ---- settings ---------------------------------------------------------------------------

    /// <summary>Sets one setting from a value as the host passed it.</summary>
    public SendOutcome Set(SenderSetting setting, HostValue value)
    {
        lock (_gate)
        {
            var entry = SenderSettings.Find(setting);
            if (entry is null) return Record(BridgeErrors.UnknownOption((int)setting, Language));
            var parsed = entry.Parse(value, Language);
            if (parsed.Error is not null) return Refuse(entry.Slot, SendOutcome.Invalid(parsed.Error));
            entry.Apply(_state, parsed.Value);
            if (entry.AffectsClient) ResetClient();
            return Accept(entry.Slot);
        }
    }

    /// <summary>Reads a setting back as it was given (passwords read back empty).</summary>
    public HostValue Get(SenderSetting setting)
    {
        lock (_gate) return SenderSettings.Find(setting)?.Read(_state) ?? HostValue.Empty;
    }

    /// <summary>Sets a setting by its native option id (CB_OPT_*) from text; other numbers are unknown ids.</summary>
    public SendOutcome SetOption(int optionId, string? value) =>
        SenderSettings.FindOption(optionId) is { } entry ? Set(entry.Setting, HostValue.Text(value)) : Record(BridgeErrors.UnknownOption(optionId, Language));

    /// <summary>Sets a setting from text (C strings, CLI arguments).</summary>
    public SendOutcome Set(SenderSetting setting, string? value) => Set(setting, HostValue.Text(value));

    /// <summary>Records a failure an adapter met while reading a setting's value (a bad encoding) as that setting's refusal.</summary>
    public SendOutcome RefuseOption(int optionId, SendOutcome refusal)
    {
        lock (_gate) return SenderSettings.FindOption(optionId) is { } entry ? Refuse(entry.Slot, refusal) : Record(BridgeErrors.UnknownOption(optionId, Language));
    }

    /// <summary>Records a failure an adapter met while reading a value for <paramref name="setting"/> (a bad encoding) as that setting's refusal.</summary>
    public SendOutcome RefuseSetting(SenderSetting setting, SendOutcome refusal)
    {
        lock (_gate) return SenderSettings.Find(setting) is { } entry ? Refuse(entry.Slot, refusal) : Record(BridgeErrors.UnknownOption((int)setting, Language));
    }

    /// <summary>Sets the logger for the underlying client.</summary>
    public void SetLogger(Microsoft.Extensions.Logging.ILogger? logger)
    {
        lock (_gate)
        {
            _logger = logger;
            ResetClient();
        }
    }

    // ---- keyboard ---------------------------------------------------------------------------

    /// <summary>Replaces the keyboard with parsed text in a format given by number or name; empty clears it.</summary>
    public SendOutcome SetKeyboard(HostValue text, HostValue format)
    {
        lock (_gate)
        {
            var parsedFormat = SenderSettings.ParseKeyboardFormat(format, Language);
            if (parsedFormat.Error is not null) return Refuse(SenderSetting.KeyboardJson, SendOutcome.Invalid(parsedFormat.Error));
            var parsed = SenderSettings.ParseKeyboard(text, (KeyboardFormat)parsedFormat.Value!, "keyboard", Language);
            if (parsed.Error is not null) return Refuse(SenderSetting.KeyboardJson, SendOutcome.Invalid(parsed.Error));
            _state.Keyboard = (Keyboard?)parsed.Value;
            return Accept(SenderSetting.KeyboardJson);
        }
    }

    /// <summary>Replaces the keyboard with parsed text (the native form: a format number); null or "" clears it.</summary>
    public SendOutcome SetKeyboard(string? text, KeyboardFormat format) => SetKeyboard(HostValue.Text(text), HostValue.Integer((int)format));

    /// <summary>Records a failure an adapter met while reading a keyboard (a bad encoding) as the keyboard's refusal.</summary>
    public SendOutcome RefuseKeyboard(SendOutcome refusal)
    {
        lock (_gate) return Refuse(SenderSetting.KeyboardJson, refusal);
    }

    /// <summary>Appends the row(s) given in the rows form to the keyboard.</summary>
    public SendOutcome AddKeyboardRow(HostValue rowText)
    {
        lock (_gate)
        {
            // Rows added to a refused keyboard would go out as if the refused part had never been asked for: the
            // refusal stands until the keyboard is set again or cleared.
            if (_refusals.FindIndex(r => r.Slot == SenderSetting.KeyboardJson) is var standing and >= 0) return Record(_refusals[standing].Outcome);
            if (rowText.Kind == HostValueKind.Empty) return Refuse(SenderSetting.KeyboardJson, BridgeErrors.NullArgument("buttons", Language));
            if (rowText.Kind != HostValueKind.Text)
                return Refuse(SenderSetting.KeyboardJson, BridgeErrors.WrongArgumentType("buttons", "string", rowText.KindName, Language));
            // Errors name the row of the keyboard being built (the row the user will see), not the line of the argument.
            var result = KeyboardParser.ParseRows(rowText.AsText!, _state.Keyboard?.Rows.Count ?? 0);
            if (result.Error is not null) return Refuse(SenderSetting.KeyboardJson, SendOutcome.Invalid(Texts.Keyboard(result.Error, Language)));
            var rows = new List<IReadOnlyList<KeyboardButton>>(_state.Keyboard?.Rows ?? []);
            rows.AddRange(result.Keyboard!.Rows);
            var combined = new Keyboard(rows);
            if (KeyboardParser.Check(combined) is { } error) return Refuse(SenderSetting.KeyboardJson, SendOutcome.Invalid(Texts.Keyboard(error, Language)));
            _state.Keyboard = combined;
            return Accept(SenderSetting.KeyboardJson);
        }
    }

    /// <summary>Appends the row(s) given in the rows form to the keyboard.</summary>
    public SendOutcome AddKeyboardRow(string? rowText) => AddKeyboardRow(HostValue.Text(rowText));

    /// <summary>Removes all keyboard rows (a valid keyboard setting: it ends a keyboard refusal).</summary>
    public SendOutcome ClearKeyboard()
    {
        lock (_gate)
        {
            _state.Keyboard = null;
            return Accept(SenderSetting.KeyboardJson);
        }
    }

    /// <summary>The keyboard as JSON or rows text; "" when there is none.</summary>
    public string GetKeyboard(KeyboardFormat format) => Get(format == KeyboardFormat.Rows ? SenderSetting.KeyboardRows : SenderSetting.KeyboardJson).AsText ?? "";

    // ---- calls ------------------------------------------------------------------------------

    /// <summary>Sends a message with the sender's keyboard, author and general settings; a standing refusal sends nothing.</summary>
    public SendOutcome Send(HostValue lineId, HostValue userId, HostValue text)
    {
        lock (_gate)
        {
            if (Refused is { } refused) return Record(refused);
            if ((WrongType(lineId, "lineId") ?? WrongType(userId, "userId") ?? WrongType(text, "text")) is { } wrong) return Record(wrong);
            return Guard(() => Record(Client.TrySendMessage(new LineMessage(lineId.AsText!, userId.AsText!, text.AsText!)
            {
                AuthorId = _state.AuthorId,
                GeneralSettings = _state.GeneralSettings,
                Keyboard = _state.Keyboard,
            })));
        }
    }

    /// <summary>Sends a message (text arguments; null is a missing value).</summary>
    public SendOutcome Send(string? lineId, string? userId, string? text) => Send(HostValue.Text(lineId), HostValue.Text(userId), HostValue.Text(text));

    /// <summary>Removes the keyboard shown to the user; a standing refusal sends nothing.</summary>
    public SendOutcome DropKeyboard(HostValue lineId, HostValue userId)
    {
        lock (_gate)
        {
            if (Refused is { } refused) return Record(refused);
            if ((WrongType(lineId, "lineId") ?? WrongType(userId, "userId")) is { } wrong) return Record(wrong);
            return Guard(() => Record(Client.TryDropKeyboard(lineId.AsText!, userId.AsText!)));
        }
    }

    /// <summary>Removes the keyboard shown to the user (text arguments).</summary>
    public SendOutcome DropKeyboard(string? lineId, string? userId) => DropKeyboard(HostValue.Text(lineId), HostValue.Text(userId));

    /// <summary>Records an outcome an adapter met outside any setting (a NULL buffer, a bad string encoding of a send argument).</summary>
    public SendOutcome Record(SendOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        // Every outcome a surface sees passes here: one scrubbing rule for every echo (a rejected option, an id, a text).
        return LastOutcome = Scrub(outcome);
    }

    /// <summary>
    /// The one policy of a host's call (COM, the add-in, the native exports): <paramref name="call"/> runs with no other
    /// call on this sender in between; an unexpected exception becomes the internal error (-5) recorded as the last
    /// outcome (<see cref="RecordInternal"/>); and the result says whether the host raises, which it does when
    /// <see cref="ThrowOnError"/> is on and the call did not succeed. The host only carries out the raise its own way
    /// (COM: a COMException; the add-in: AddError and false).
    /// </summary>
    public HostResult Invoke(Func<SendOutcome> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        lock (_gate)
        {
            var outcome = Guard(call);
            return new HostResult(outcome, ThrowOnError && !outcome.Succeeded);
        }
    }

    /// <summary>An unexpected exception on this sender: the internal error (-5, the exception's type only, never its message), recorded.</summary>
    public SendOutcome RecordInternal(Exception exception) => Record(BridgeErrors.Internal(exception, Language));

    /// <summary>One call with no sender: settings, keyboard and message in one go (the native <c>cb_send</c>).</summary>
    public static SendOutcome SendOnce(string? baseUrl, string? login, string? password, string? lineId, string? userId,
        string? text, string? keyboard, KeyboardFormat keyboardFormat)
    {
        using var sender = new BridgeSender();
        sender.Set(SenderSetting.BaseUrl, baseUrl);
        sender.Set(SenderSetting.Login, login);
        sender.Set(SenderSetting.Password, password);
        sender.SetKeyboard(keyboard, keyboardFormat);
        return sender.Send(lineId, userId, text);
    }

    /// <summary>Releases the underlying client; lines still being written to the log file get up to <see cref="FileLog.ReleaseWait"/>.</summary>
    public void Dispose()
    {
        string? logFile;
        lock (_gate)
        {
            ResetClient();
            logFile = _state.LogFile;
        }
        if (logFile is not null) FileLog.Flush(logFile, FileLog.ReleaseWait);
    }

    // ---- plumbing ---------------------------------------------------------------------------

    private ILineClient Client => _client ??= _clientFactory(ClientOptions());

    private SendOutcome? Refused => _refusals.Count > 0 ? _refusals[0].Outcome : null;

    private ConnectClientOptions ClientOptions()
    {
        var options = _state.Options.Clone();
        options.Logger = _state.LogFile is { } path ? new FileLog(path, _logger) : _logger;
        return options;
    }

    /// <summary>A send argument that is not a string: null for a string, and for Empty (the core's own "not set" text follows).</summary>
    private SendOutcome? WrongType(HostValue value, string parameter) =>
        value.Kind is HostValueKind.Text or HostValueKind.Empty ? null : BridgeErrors.WrongArgumentType(parameter, "string", value.KindName, Language);

    private SendOutcome Refuse(SenderSetting slot, SendOutcome refusal)
    {
        _refusals.RemoveAll(r => r.Slot == slot);
        _refusals.Add((slot, refusal));
        return Record(refusal);
    }

    /// <summary>The setting is accepted (status 0 returned); the last outcome still reports any other standing refusal.</summary>
    private SendOutcome Accept(SenderSetting slot)
    {
        _refusals.RemoveAll(r => r.Slot == slot);
        Record(Refused ?? SendOutcome.Ok);
        return SendOutcome.Ok;
    }

    /// <summary>The one catch of the hosting layer: what <paramref name="call"/> returns, or its exception recorded as -5.</summary>
    private SendOutcome Guard(Func<SendOutcome> call)
    {
        try
        {
            return call();
        }
        catch (Exception ex)
        {
            return RecordInternal(ex);
        }
    }

    private SendOutcome Scrub(SendOutcome outcome) => outcome.WithoutSecret(_state.Options.Password).WithoutSecret(_state.Options.ProxyPassword);

    private void ResetClient()
    {
        (_client as IDisposable)?.Dispose();
        _client = null;
    }
}
