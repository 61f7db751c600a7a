using System.CommandLine;
using System.Globalization;

namespace Connect.Bridge.Cli;

/// <summary><c>send</c> and <c>drop-keyboard</c>: thin wrappers over the core's <see cref="BridgeSender"/>.</summary>
internal static class SendCommands
{
    private static readonly Option<string> Line = new("--line") { Description = "Support line id (UUID)", Required = true };
    private static readonly Option<string> User = new("--user") { Description = "User id (UUID)", Required = true };
    private static readonly Option<string> Text = new("--text") { Description = "Message text", Required = true };
    private static readonly Option<string?> Author = new("--author") { Description = "Author (specialist) id (UUID)" };
    private static readonly Option<bool> GeneralSettings = new("--general-settings") { Description = "Send general_settings: true" };
    private static readonly Option<string?> KeyboardText = new("--keyboard") { Description = "Keyboard: JSON [[\"A\",\"B\"],[\"C\"]] or rows 'A|B' newline 'C'" };
    private static readonly Option<string> KeyboardFormatOption = new("--keyboard-format")
    {
        Description = "auto | json | rows",
        DefaultValueFactory = _ => "auto",
    };
    private static readonly Option<string?> BaseUrl = new("--base-url") { Description = "Service address (default https://push.1c-connect.com)" };
    private static readonly Option<double> TimeoutSeconds = new("--timeout") { Description = "Overall timeout in seconds", DefaultValueFactory = _ => 30 };
    private static readonly Option<int> MaxRetries = new("--max-retries") { Description = "Retries when the message certainly did not arrive", DefaultValueFactory = _ => 2 };
    private static readonly Option<string> Language = new("--language") { Description = "Error text language: ru | en", DefaultValueFactory = _ => "ru" };
    private static readonly Option<string?> Login = new("--login") { Description = "API login (or CONNECT_LOGIN)" };
    private static readonly Option<string?> Password = new("--password") { Description = "API password (or CONNECT_PASSWORD)" };
    private static readonly Option<bool> AllowInsecureHttp = new("--allow-insecure-http") { Description = "Allow plain http to a non-loopback host" };

    public static Command Send()
    {
        var command = new Command("send", "Send a message into a support-line chat (SendMessageLine).")
        {
            Line, User, Text, Author, GeneralSettings, KeyboardText, KeyboardFormatOption,
            BaseUrl, TimeoutSeconds, MaxRetries, Language, Login, Password, AllowInsecureHttp,
        };
        command.SetAction(result => Run(result, sender =>
        {
            var outcome = sender.SetOption(SenderOption.AuthorId, result.GetValue(Author));
            if (outcome.IsSuccess && result.GetValue(GeneralSettings)) outcome = sender.SetGeneralSettings(true);
            if (outcome.IsSuccess) outcome = sender.SetKeyboard(result.GetValue(KeyboardText), ParseFormat(result.GetValue(KeyboardFormatOption)));
            return outcome.IsSuccess ? sender.Send(result.GetValue(Line), result.GetValue(User), result.GetValue(Text)) : outcome;
        }));
        return command;
    }

    public static Command DropKeyboard()
    {
        var command = new Command("drop-keyboard", "Remove the keyboard shown to a user (DropKeyboard).")
        {
            Line, User, BaseUrl, TimeoutSeconds, MaxRetries, Language, Login, Password, AllowInsecureHttp,
        };
        command.SetAction(result => Run(result, sender => sender.DropKeyboard(result.GetValue(Line), result.GetValue(User))));
        return command;
    }

    private static KeyboardFormat ParseFormat(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "json" => KeyboardFormat.Json,
        "rows" => KeyboardFormat.Rows,
        "auto" or null or "" => KeyboardFormat.Auto,
        _ => (KeyboardFormat)(-1), // the core reports an unknown format
    };

    private static int Run(ParseResult result, Func<BridgeSender, SendOutcome> call)
    {
        using var sender = new BridgeSender();
        var outcome = sender.SetOption(SenderOption.Language, result.GetValue(Language));
        if (outcome.IsSuccess) outcome = sender.SetOption(SenderOption.BaseUrl, result.GetValue(BaseUrl));
        if (outcome.IsSuccess) outcome = sender.SetOption(SenderOption.Login, result.GetValue(Login) ?? Environment.GetEnvironmentVariable("CONNECT_LOGIN"));
        if (outcome.IsSuccess) outcome = sender.SetOption(SenderOption.Password, result.GetValue(Password) ?? Environment.GetEnvironmentVariable("CONNECT_PASSWORD"));
        if (outcome.IsSuccess) outcome = sender.SetTimeout(TimeSpan.FromSeconds(result.GetValue(TimeoutSeconds)));
        if (outcome.IsSuccess) outcome = sender.SetMaxRetries(result.GetValue(MaxRetries));
        if (outcome.IsSuccess && result.GetValue(AllowInsecureHttp)) outcome = sender.SetAllowInsecureHttp(true);
        if (outcome.IsSuccess) outcome = call(sender);
        Print(outcome);
        return ExitCodes.From(outcome);
    }

    internal static void Print(SendOutcome outcome)
    {
        if (outcome.IsSuccess)
            Console.WriteLine($"OK {outcome.Status.ToString(CultureInfo.InvariantCulture)}");
        else
            Console.Error.WriteLine($"{outcome.Status.ToString(CultureInfo.InvariantCulture)} {outcome.ErrorText}");
    }
}
