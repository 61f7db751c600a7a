using System.Reflection;
using System.Runtime.InteropServices;
using Connect.Bridge.Hosting;

namespace Connect.Bridge;

/// <summary>
/// The COM class <c>Connect.Bridge.Sender</c> for 1C:Enterprise and other Automation clients, called late-bound
/// through IDispatch by member name. A thin adapter over <see cref="BridgeSender"/>: it converts the VARIANT
/// arguments and returns the core's status codes and texts unchanged.
/// </summary>
/// <remarks>
/// <para>Arguments and writable properties are typed <see cref="object"/> (VARIANT) and passed to the core's
/// settings table as they are, so a script passing the wrong type (a number where a string is expected) gets the
/// core's invalid-argument outcome (-1) instead of a type-mismatch error from IDispatch. A refused setting stays
/// refused until it is set again validly: sends return its -1 and send nothing. Values read back are VT_BSTR,
/// VT_I4, VT_R8 (TimeoutSeconds, RetryDelaySeconds), VT_BOOL, or VT_EMPTY (GeneralSettings when omitted).</para>
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

    // ---- settings: each one is a row of the settings table (Hosting) ---------------------------

    /// <summary>Service address; "" restores the default https://push.1c-connect.com.</summary>
    public object? BaseUrl
    {
        get => Get(SenderSetting.BaseUrl);
        set => Set(SenderSetting.BaseUrl, value);
    }

    /// <summary>API login.</summary>
    public object? Login
    {
        get => Get(SenderSetting.Login);
        set => Set(SenderSetting.Login, value);
    }

    /// <summary>API password; write-only (reads back "").</summary>
    public object? Password
    {
        get => Get(SenderSetting.Password);
        set => Set(SenderSetting.Password, value);
    }

    /// <summary>Overall timeout of a call in seconds, fractions allowed, retries included (default 30).</summary>
    public object? TimeoutSeconds
    {
        get => Get(SenderSetting.TimeoutSeconds);
        set => Set(SenderSetting.TimeoutSeconds, value);
    }

    /// <summary>Language of error texts: "ru" (default) or "en".</summary>
    public object? Language
    {
        get => Get(SenderSetting.Language);
        set => Set(SenderSetting.Language, value);
    }

    /// <summary>The specialist on whose behalf messages are sent (UUID); "" means not sent.</summary>
    public object? AuthorId
    {
        get => Get(SenderSetting.AuthorId);
        set => Set(SenderSetting.AuthorId, value);
    }

    /// <summary>The <c>general_settings</c> flag: true or false is sent as given; Empty (Неопределено) omits it.</summary>
    public object? GeneralSettings
    {
        get => Get(SenderSetting.GeneralSettings);
        set => Set(SenderSetting.GeneralSettings, value);
    }

    /// <summary>Explicit proxy address; "" uses the system proxy.</summary>
    public object? ProxyUrl
    {
        get => Get(SenderSetting.ProxyUrl);
        set => Set(SenderSetting.ProxyUrl, value);
    }

    /// <summary>Proxy login.</summary>
    public object? ProxyLogin
    {
        get => Get(SenderSetting.ProxyLogin);
        set => Set(SenderSetting.ProxyLogin, value);
    }

    /// <summary>Proxy password; write-only (reads back "").</summary>
    public object? ProxyPassword
    {
        get => Get(SenderSetting.ProxyPassword);
        set => Set(SenderSetting.ProxyPassword, value);
    }

    /// <summary>Истина: the proxy gets the Windows logon of the process (NTLM/Kerberos) unless ProxyLogin is set (default Ложь).</summary>
    public object? ProxyUseDefaultCredentials
    {
        get => Get(SenderSetting.ProxyUseDefaultCredentials);
        set => Set(SenderSetting.ProxyUseDefaultCredentials, value);
    }

    /// <summary>Retries when the message certainly did not arrive (default 2; 0 disables).</summary>
    public object? MaxRetries
    {
        get => Get(SenderSetting.MaxRetries);
        set => Set(SenderSetting.MaxRetries, value);
    }

    /// <summary>
    /// The first retry delay in seconds, fractions allowed (default 0.25; 0.01..30): the backoff doubles it per retry, with
    /// ±25 % jitter; a longer Retry-After from the server wins; TimeoutSeconds still ends the whole call.
    /// </summary>
    public object? RetryDelaySeconds
    {
        get => Get(SenderSetting.RetryDelaySeconds);
        set => Set(SenderSetting.RetryDelaySeconds, value);
    }

    /// <summary>Allows plain http to hosts other than loopback.</summary>
    public object? AllowInsecureHttp
    {
        get => Get(SenderSetting.AllowInsecureHttp);
        set => Set(SenderSetting.AllowInsecureHttp, value);
    }

    /// <summary>A file that receives one line per HTTP attempt (appended, UTF-8, never the password); "" turns it off.</summary>
    /// <remarks>
    /// Only a regular file: a FIFO, a directory or a device (NUL, CON, a pipe) is refused at once (-1). Lines are written
    /// in the background, one writer per file; a line that cannot be written is dropped and counted, never waited on,
    /// and the call's result is unchanged (see <c>FileLog</c> in src/Connect.Bridge.Hosting).
    /// </remarks>
    public object? LogFile
    {
        get => Get(SenderSetting.LogFile);
        set => Set(SenderSetting.LogFile, value);
    }

    /// <summary>When true, a failed call raises a COM exception with the error text (default false).</summary>
    public object? ThrowOnError
    {
        get => Get(SenderSetting.ThrowOnError);
        set => Set(SenderSetting.ThrowOnError, value);
    }

    /// <summary>The keyboard as JSON (<c>[[{"text":"Да"},{"text":"Нет"}]]</c>); setting replaces it, "" clears it.</summary>
    public object? KeyboardJson
    {
        get => Get(SenderSetting.KeyboardJson);
        set => Set(SenderSetting.KeyboardJson, value);
    }

    /// <summary>The keyboard as rows (one row per line, buttons separated by |); setting replaces it, "" clears it.</summary>
    public object? KeyboardRows
    {
        get => Get(SenderSetting.KeyboardRows);
        set => Set(SenderSetting.KeyboardRows, value);
    }

    // ---- outcome of the last call -----------------------------------------------------------

    /// <summary>The HTTP status of the last call, or a negative code (-1 invalid argument ... -5 internal); 0 after a setting.</summary>
    public int LastStatusCode => _core.LastOutcome.Status;

    /// <summary>What went wrong in the last call; "" after a success.</summary>
    public string LastErrorText => _core.LastOutcome.ErrorText ?? "";

    /// <summary>True when the last call succeeded (a 2xx answer, or a setting that was accepted).</summary>
    public bool IsSuccess => _core.LastOutcome.Succeeded;

    /// <summary>The library version, e.g. "1.0.0".</summary>
    public string Version { get; } = BridgeInfo.Version;

    // ---- methods ----------------------------------------------------------------------------

    /// <summary>Sends a message (SendMessageLine) with the current keyboard, author and general settings.</summary>
    /// <returns>The HTTP status (2xx is success) or a negative code.</returns>
    public int Send(object? lineId, object? userId, object? text) =>
        Call(() => _core.Send(ComArguments.ToHostValue(lineId), ComArguments.ToHostValue(userId), ComArguments.ToHostValue(text)));

    /// <summary>Removes the keyboard shown to the user (DropKeyboard).</summary>
    /// <returns>The HTTP status (2xx is success) or a negative code.</returns>
    public int DropKeyboard(object? lineId, object? userId) =>
        Call(() => _core.DropKeyboard(ComArguments.ToHostValue(lineId), ComArguments.ToHostValue(userId)));

    /// <summary>Appends a row given in the rows form (<c>Да|Нет</c>) to the keyboard.</summary>
    public void AddKeyboardRow(object? buttons) => Call(() => _core.AddKeyboardRow(ComArguments.ToHostValue(buttons)));

    /// <summary>Removes every keyboard row.</summary>
    public void ClearKeyboard() => Call(_core.ClearKeyboard);

    // ---- plumbing ---------------------------------------------------------------------------

    private object? Get(SenderSetting setting) => ComArguments.FromHostValue(_core.Get(setting));

    private void Set(SenderSetting setting, object? value) => Call(() => _core.Set(setting, ComArguments.ToHostValue(value)));

    /// <summary>One call by the hosting layer's policy (<see cref="BridgeSender.Invoke"/>); a raise is a COM exception with the text.</summary>
    private int Call(Func<SendOutcome> call)
    {
        var (outcome, raise) = _core.Invoke(call);
        if (raise) throw new COMException(outcome.ErrorText, EFail) { Source = ProgIdName };
        return outcome.Status;
    }
}
