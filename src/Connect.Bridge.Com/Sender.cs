using System.Reflection;
using System.Runtime.InteropServices;

namespace Connect.Bridge;

/// <summary>
/// The COM class <c>Connect.Bridge.Sender</c> for 1C:Enterprise and other Automation clients, called late-bound
/// through IDispatch by member name. A thin adapter over <see cref="BridgeSender"/>: it converts the VARIANT
/// arguments and returns the core's status codes and texts unchanged.
/// </summary>
/// <remarks>
/// <para>Arguments and writable properties are typed <see cref="object"/> (VARIANT) so that a script passing
/// the wrong type (a number where a string is expected, Неопределено) gets the core's invalid-argument outcome
/// (-1) instead of a type-mismatch error from IDispatch. Every value read back is VT_BSTR, VT_I4 or VT_BOOL.</para>
/// <para>With <see cref="ThrowOnError"/> false nothing throws; with it true a failed call raises an exception
/// whose message is the error text (DISP_E_EXCEPTION with EXCEPINFO.bstrDescription: what 1C shows in
/// ОписаниеОшибки()). <see cref="LastStatusCode"/> and <see cref="LastErrorText"/> are set either way.</para>
/// <para>Calls on one instance are serialized, so the object is safe under <c>ThreadingModel=Both</c>.</para>
/// </remarks>
[ComVisible(true)]
[Guid(ClassId)]
[ProgId(ProgIdName)]
[ClassInterface(ClassInterfaceType.AutoDispatch)]
public sealed class Sender
{
    /// <summary>The fixed CLSID of Connect.Bridge.Sender.</summary>
    public const string ClassId = "F7F0E9EF-BE89-4828-A961-7E5BC01435CA";

    /// <summary>The ProgID 1C uses: <c>Новый COMОбъект("Connect.Bridge.Sender")</c>.</summary>
    public const string ProgIdName = "Connect.Bridge.Sender";

    private const int EFail = unchecked((int)0x80004005);

    private readonly BridgeSender _core;
    private readonly Lock _gate = new();
    private bool _throwOnError;

    /// <summary>Creates a sender with the real HTTP client (what CoCreateInstance calls).</summary>
    public Sender() : this(new BridgeSender()) { }

    /// <summary>Creates a sender over a client factory (the unit-test seam).</summary>
    internal Sender(Func<ConnectClientOptions, ILineClient> clientFactory) : this(new BridgeSender(clientFactory)) { }

    /// <summary>Creates a sender over a given core sender.</summary>
    internal Sender(BridgeSender core)
    {
        ArgumentNullException.ThrowIfNull(core);
        _core = core;
    }

    // ---- settings -------------------------------------------------------------------------

    /// <summary>Service address; "" restores the default https://push.1c-connect.com.</summary>
    public object BaseUrl
    {
        get => Read(() => _core.GetOption(SenderOption.BaseUrl));
        set => SetText(nameof(BaseUrl), value, SenderOption.BaseUrl);
    }

    /// <summary>API login.</summary>
    public object Login
    {
        get => Read(() => _core.GetOption(SenderOption.Login));
        set => SetText(nameof(Login), value, SenderOption.Login);
    }

    /// <summary>API password; write-only (reads back "").</summary>
    public object Password
    {
        get => "";
        set => SetText(nameof(Password), value, SenderOption.Password);
    }

    /// <summary>Overall timeout of a call in seconds, retries included (default 30).</summary>
    public object TimeoutSeconds
    {
        get => Read(() => (int)Math.Round(_core.Options.Timeout.TotalSeconds, MidpointRounding.AwayFromZero));
        set => Apply(value, v =>
            ComArguments.TryNumber(v, out var seconds)
                ? double.IsFinite(seconds) && Math.Abs(seconds) < 1e9
                    ? _core.SetTimeout(TimeSpan.FromSeconds(seconds))
                    : _core.SetOption(SenderOption.TimeoutMs, ComArguments.NumberText(seconds))
                : WrongType(nameof(TimeoutSeconds), "integer", v));
    }

    /// <summary>Language of error texts: "ru" (default) or "en".</summary>
    public object Language
    {
        get => Read(() => _core.GetOption(SenderOption.Language));
        set => SetText(nameof(Language), value, SenderOption.Language);
    }

    /// <summary>The specialist on whose behalf messages are sent (UUID); "" means not sent.</summary>
    public object AuthorId
    {
        get => Read(() => _core.GetOption(SenderOption.AuthorId));
        set => SetText(nameof(AuthorId), value, SenderOption.AuthorId);
    }

    /// <summary>The <c>general_settings</c> flag; sent only when true.</summary>
    public object GeneralSettings
    {
        get => Read(() => _core.GeneralSettings == true);
        set => Apply(value, v =>
            ComArguments.TryBoolean(v, out var flag)
                ? _core.SetGeneralSettings(flag ? true : null)
                : WrongType(nameof(GeneralSettings), "boolean", v));
    }

    /// <summary>Explicit proxy address; "" uses the system proxy.</summary>
    public object ProxyUrl
    {
        get => Read(() => _core.GetOption(SenderOption.ProxyUrl));
        set => SetText(nameof(ProxyUrl), value, SenderOption.ProxyUrl);
    }

    /// <summary>Proxy login.</summary>
    public object ProxyLogin
    {
        get => Read(() => _core.GetOption(SenderOption.ProxyLogin));
        set => SetText(nameof(ProxyLogin), value, SenderOption.ProxyLogin);
    }

    /// <summary>Proxy password; write-only (reads back "").</summary>
    public object ProxyPassword
    {
        get => "";
        set => SetText(nameof(ProxyPassword), value, SenderOption.ProxyPassword);
    }

    /// <summary>Retries when the message certainly did not arrive (default 2; 0 disables).</summary>
    public object MaxRetries
    {
        get => Read(() => _core.Options.MaxRetries);
        set => Apply(value, v =>
            ComArguments.TryNumber(v, out var retries)
                ? retries == Math.Floor(retries) && retries is >= int.MinValue and <= int.MaxValue
                    ? _core.SetMaxRetries((int)retries)
                    : _core.SetOption(SenderOption.MaxRetries, ComArguments.NumberText(retries))
                : WrongType(nameof(MaxRetries), "integer", v));
    }

    /// <summary>Allows plain http to hosts other than loopback.</summary>
    public object AllowInsecureHttp
    {
        get => Read(() => _core.Options.AllowInsecureHttp);
        set => Apply(value, v =>
            ComArguments.TryBoolean(v, out var flag)
                ? _core.SetAllowInsecureHttp(flag)
                : WrongType(nameof(AllowInsecureHttp), "boolean", v));
    }

    /// <summary>When true, a failed call raises a COM exception with the error text (default false).</summary>
    public object ThrowOnError
    {
        get
        {
            lock (_gate) return _throwOnError;
        }
        set => Apply(value, v =>
        {
            if (!ComArguments.TryBoolean(v, out var flag)) return WrongType(nameof(ThrowOnError), "boolean", v);
            _throwOnError = flag;
            return null;
        });
    }

    /// <summary>The keyboard as JSON (<c>[[{"text":"Да"},{"text":"Нет"}]]</c>); setting replaces it, "" clears it.</summary>
    public object KeyboardJson
    {
        get => Read(() => _core.GetKeyboard(KeyboardFormat.Json));
        set => Apply(value, v =>
            ComArguments.TryString(v, out var text) ? _core.SetKeyboard(text, KeyboardFormat.Json) : WrongType(nameof(KeyboardJson), "string", v));
    }

    /// <summary>The keyboard as rows (one row per line, buttons separated by |); setting replaces it, "" clears it.</summary>
    public object KeyboardRows
    {
        get => Read(() => _core.GetKeyboard(KeyboardFormat.Rows));
        set => Apply(value, v =>
            ComArguments.TryString(v, out var text) ? _core.SetKeyboard(text, KeyboardFormat.Rows) : WrongType(nameof(KeyboardRows), "string", v));
    }

    // ---- outcome of the last call -----------------------------------------------------------

    /// <summary>The HTTP status of the last call, or a negative code (-1 invalid argument ... -5 internal); 0 after a setting.</summary>
    public int LastStatusCode
    {
        get
        {
            lock (_gate) return _core.LastOutcome.Status;
        }
    }

    /// <summary>What went wrong in the last call; "" after a success.</summary>
    public string LastErrorText
    {
        get
        {
            lock (_gate) return _core.LastOutcome.ErrorText ?? "";
        }
    }

    /// <summary>True when the last call succeeded (a 2xx answer, or a setting that was accepted).</summary>
    public bool IsSuccess
    {
        get
        {
            lock (_gate) return _core.LastOutcome.IsSuccess;
        }
    }

    /// <summary>The library version, e.g. "1.0.0".</summary>
    public string Version { get; } = BridgeInfo.Version;

    // ---- methods ----------------------------------------------------------------------------

    /// <summary>Sends a message (SendMessageLine) with the current keyboard, author and general settings.</summary>
    /// <returns>The HTTP status (2xx is success) or a negative code.</returns>
    public int Send(object lineId, object userId, object text) => Call(() =>
    {
        if (!ComArguments.TryString(lineId, out var line)) return WrongType(nameof(lineId), "string", lineId);
        if (!ComArguments.TryString(userId, out var user)) return WrongType(nameof(userId), "string", userId);
        if (!ComArguments.TryString(text, out var message)) return WrongType(nameof(text), "string", text);
        return _core.Send(line, user, message);
    });

    /// <summary>Removes the keyboard shown to the user (DropKeyboard).</summary>
    /// <returns>The HTTP status (2xx is success) or a negative code.</returns>
    public int DropKeyboard(object lineId, object userId) => Call(() =>
    {
        if (!ComArguments.TryString(lineId, out var line)) return WrongType(nameof(lineId), "string", lineId);
        if (!ComArguments.TryString(userId, out var user)) return WrongType(nameof(userId), "string", userId);
        return _core.DropKeyboard(line, user);
    });

    /// <summary>Appends a row given in the rows form (<c>Да|Нет</c>) to the keyboard.</summary>
    public void AddKeyboardRow(object buttons) => Call(() =>
        ComArguments.TryString(buttons, out var row) ? _core.AddKeyboardRow(row) : WrongType(nameof(buttons), "string", buttons));

    /// <summary>Removes every keyboard row.</summary>
    public void ClearKeyboard() => Call(() =>
    {
        _core.ClearKeyboard();
        return _core.LastOutcome;
    });

    // ---- plumbing ---------------------------------------------------------------------------

    private SendOutcome WrongType(string parameter, string expected, object? value) =>
        _core.Record(BridgeErrors.WrongArgumentType(parameter, expected, ComArguments.KindOf(value), _core.Language));

    private void SetText(string property, object? value, SenderOption option) =>
        Apply(value, v => ComArguments.TryString(v, out var text) ? _core.SetOption(option, text) : WrongType(property, "string", v));

    /// <summary>Runs a property setter; a null result means the setting was the adapter's own and was accepted.</summary>
    private void Apply(object? value, Func<object?, SendOutcome?> set) => Call(() => set(value) ?? RecordAccepted());

    /// <summary>Runs one call under the lock; records unexpected exceptions as -5; raises when ThrowOnError is on.</summary>
    private int Call(Func<SendOutcome> call)
    {
        SendOutcome outcome;
        bool raise;
        lock (_gate)
        {
            try
            {
                outcome = call();
            }
            catch (Exception ex)
            {
                outcome = _core.Record(BridgeErrors.Internal(ex, _core.Language));
            }

            raise = _throwOnError && !outcome.IsSuccess;
        }

        if (raise) throw new COMException(outcome.ErrorText, EFail) { Source = ProgIdName };
        return outcome.Status;
    }

    private T Read<T>(Func<T> read)
    {
        lock (_gate) return read();
    }

    /// <summary>Records an accepted setting (status 0, no text) for the adapter's own ThrowOnError, as the core does for its settings.</summary>
    private SendOutcome RecordAccepted() => _core.Record(SendOutcome.Ok);
}
