namespace Connect.Bridge.Emulator;

/// <summary>Configuration of an <see cref="EmulatorServer"/>. Read once by <see cref="EmulatorServer.StartAsync"/>.</summary>
public sealed class EmulatorSettings
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free port (see <see cref="EmulatorServer.Port"/>).</summary>
    public int Port { get; set; }

    /// <summary>Basic-auth login the emulator accepts.</summary>
    public string Login { get; set; } = "bot";

    /// <summary>Basic-auth password the emulator accepts.</summary>
    public string Password { get; set; } = "secret";

    /// <summary>When not null, only these line ids (UUIDs, any case) are accepted; others get 403.</summary>
    public IReadOnlyCollection<string>? AllowedLines { get; set; }

    /// <summary>
    /// Called after each accepted call has been recorded. May be called concurrently from several
    /// request threads; exceptions it throws are swallowed.
    /// </summary>
    public Action<RecordedCall>? OnRecorded { get; set; }

    /// <summary>
    /// Receives ASP.NET Core / Kestrel log lines of level Warning and above. Null (default) = silent.
    /// Per-request logging is never produced.
    /// </summary>
    public Action<string>? OnLog { get; set; }

    /// <summary>Largest request body accepted; larger bodies get 413. Default 1 MiB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;
}
