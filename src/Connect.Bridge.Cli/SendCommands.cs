using System.CommandLine;
using System.Globalization;
using Connect.Bridge.Hosting;

namespace Connect.Bridge.Cli;

/// <summary><c>send</c> and <c>drop-keyboard</c>: thin wrappers over the core's <see cref="BridgeSender"/>.</summary>
internal static class SendCommands
{
    // Options that set a setting are named by the one table of names (src/Connect.Bridge.Hosting/SettingNames.cs).
    private static readonly Option<string> Line = new("--line") { Description = "Support line id (UUID)", Required = true };
    private static readonly Option<string> User = new("--user") { Description = "User id (UUID)", Required = true };
    private static readonly Option<string> Text = new("--text") { Description = "Message text", Required = true };
    private static readonly Option<string?> Author = new(Name(SenderSetting.AuthorId)) { Description = "Author (specialist) id (UUID)" };
    private static readonly Option<bool> GeneralSettings = new(Name(SenderSetting.GeneralSettings)) { Description = "Send general_settings: true" };
    private static readonly Option<string?> KeyboardText = new("--keyboard") { Description = "Keyboard: JSON [[\"A\",\"B\"],[\"C\"]] or rows 'A|B' newline 'C'" };
    private static readonly Option<string?> KeyboardFormatOption = new("--keyboard-format") { Description = "auto | json | rows (default auto)" };
    private static readonly Option<string?> BaseUrl = new(Name(SenderSetting.BaseUrl)) { Description = "Service address (default https://push.1c-connect.com)" };
    // Numbers are taken as text: the core's settings table parses and bounds them and words the refusal.
    private static readonly Option<string?> TimeoutSeconds = new(Name(SenderSetting.TimeoutSeconds)) { Description = "Overall timeout in seconds (default 30)" };
    private static readonly Option<string?> MaxRetries = new(Name(SenderSetting.MaxRetries)) { Description = "Retries when the message certainly did not arrive (default 2)" };
    private static readonly Option<string?> RetryDelaySeconds = new(Name(SenderSetting.RetryDelaySeconds)) { Description = "First retry delay in seconds, doubled per retry (default 0.25)" };
    private static readonly Option<string?> LogFile = new(Name(SenderSetting.LogFile)) { Description = "Append one line per HTTP attempt to this file (UTF-8)" };
    private static readonly Option<string> Language = new(Name(SenderSetting.Language)) { Description = "Error text language: ru | en", DefaultValueFactory = _ => "ru" };
    private static readonly Option<string?> Login = new(Name(SenderSetting.Login)) { Description = "API login (or CONNECT_LOGIN)" };
    private static readonly Option<string?> Password = new(Name(SenderSetting.Password)) { Description = "API password (or CONNECT_PASSWORD)" };
    private static readonly Option<bool> AllowInsecureHttp = new(Name(SenderSetting.AllowInsecureHttp)) { Description = "Allow plain http to a non-loopback host" };

    private static string Name(SenderSetting setting) => SettingNames.CliOption(setting);

    public static Command Send()
    {
        var command = new Command("send", "Send a message into a support-line chat (SendMessageLine).")
        {
            Line, User, Text, Author, GeneralSettings, KeyboardText, KeyboardFormatOption,
            BaseUrl, TimeoutSeconds, MaxRetries, RetryDelaySeconds, LogFile, Language, Login, Password, AllowInsecureHttp,
        };
        command.SetAction(result => Run(result, sender =>
        {
            sender.Set(SenderSetting.AuthorId, result.GetValue(Author));
            if (result.GetValue(GeneralSettings)) sender.Set(SenderSetting.GeneralSettings, HostValue.Boolean(true));
            sender.SetKeyboard(HostValue.Text(result.GetValue(KeyboardText)), HostValue.Text(result.GetValue(KeyboardFormatOption)));
            return sender.Send(result.GetValue(Line), result.GetValue(User), result.GetValue(Text));
        }));
        return command;
    }

    public static Command DropKeyboard()
    {
        var command = new Command("drop-keyboard", "Remove the keyboard shown to a user (DropKeyboard).")
        {
            Line, User, BaseUrl, TimeoutSeconds, MaxRetries, RetryDelaySeconds, LogFile, Language, Login, Password, AllowInsecureHttp,
        };
        command.SetAction(result => Run(result, sender => sender.DropKeyboard(result.GetValue(Line), result.GetValue(User))));
        return command;
    }

    private static int Run(ParseResult result, Func<BridgeSender, SendOutcome> call)
    {
        // A refused setting is sticky in the core: the call then returns the first refusal and sends nothing.
        using var sender = new BridgeSender();
        sender.Set(SenderSetting.Language, result.GetValue(Language));
        sender.Set(SenderSetting.BaseUrl, result.GetValue(BaseUrl));
        sender.Set(SenderSetting.Login, result.GetValue(Login) ?? Environment.GetEnvironmentVariable("CONNECT_LOGIN"));
        sender.Set(SenderSetting.Password, result.GetValue(Password) ?? Environment.GetEnvironmentVariable("CONNECT_PASSWORD"));
        if (result.GetValue(TimeoutSeconds) is { } timeout) sender.Set(SenderSetting.TimeoutSeconds, timeout);
        if (result.GetValue(MaxRetries) is { } retries) sender.Set(SenderSetting.MaxRetries, retries);
        if (result.GetValue(RetryDelaySeconds) is { } delay) sender.Set(SenderSetting.RetryDelaySeconds, delay);
        sender.Set(SenderSetting.LogFile, result.GetValue(LogFile));
        if (result.GetValue(AllowInsecureHttp)) sender.Set(SenderSetting.AllowInsecureHttp, HostValue.Boolean(true));
        var outcome = call(sender);
        Print(outcome);
        return ExitCodes.From(outcome);
    }

    internal static void Print(SendOutcome outcome)
    {
        if (outcome.Succeeded)
            SafeConsole.Out($"OK {outcome.Status.ToString(CultureInfo.InvariantCulture)}");
        else
            SafeConsole.Error($"{outcome.Status.ToString(CultureInfo.InvariantCulture)} {outcome.ErrorText}");
    }
}
