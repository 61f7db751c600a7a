namespace Connect.Bridge.Hosting;

/// <summary>The values a <see cref="BridgeSender"/> holds; written only through the settings table.</summary>
internal sealed class SenderState
{
    public ConnectClientOptions Options { get; } = new();
    public string? AuthorId { get; set; }
    public bool? GeneralSettings { get; set; }
    public Keyboard? Keyboard { get; set; }
    public bool ThrowOnError { get; set; }
    public string? LogFile { get; set; }
}
