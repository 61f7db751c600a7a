using System.CommandLine;
using System.Globalization;
using Connect.Bridge.Cli;
using Connect.Bridge.Hosting;

var root = new RootCommand("connect-bridge: send messages to 1C-Connect support lines (SendMessageLine, DropKeyboard).");
root.Subcommands.Add(SendCommands.Send());
root.Subcommands.Add(SendCommands.DropKeyboard());
root.Subcommands.Add(EmulatorCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
// The same version as cb_version and the COM Version (no "+commit" build metadata).
if (args is ["--version"])
{
    SafeConsole.Out(Connect.Bridge.BridgeInfo.Version);
    return 0;
}

// Bytes that are not UTF-8 would be sent as U+FFFD: refuse them as the native API does (-1, naming the argument).
int malformed = ArgvEncoding.FirstMalformed(args);
if (malformed >= 0)
{
    int at = Array.IndexOf(args, "--language");
    HostLanguage.TryParse(at >= 0 && at + 1 < args.Length ? args[at + 1] : null, out var language);
    var refusal = BridgeErrors.InvalidEncoding(ArgvEncoding.Name(args, malformed), language);
    SafeConsole.Error($"{refusal.Status.ToString(CultureInfo.InvariantCulture)} {refusal.ErrorText}");
    return ExitCodes.From(refusal);
}

// "--text=" is an empty value the user typed; System.CommandLine would read it as "--text" and take the next token.
// (After the encoding check, which matches args against /proc/self/cmdline one to one.)
string[] tokens = [.. args.SelectMany(a => a.Length > 3 && a.StartsWith("--", StringComparison.Ordinal) && a.IndexOf('=', StringComparison.Ordinal) == a.Length - 1
    ? new[] { a[..^1], "" } : [a])];
var parsed = root.Parse(tokens);
if (parsed.Errors.Count > 0)
{
    // Parse errors (a missing --line, an unknown option or subcommand, a number that does not parse) are invalid arguments.
    // A parse error may echo any word typed, so it is scrubbed of the password like every other text.
    int pw = Array.IndexOf(tokens, "--password");
    string? password = pw >= 0 && pw + 1 < tokens.Length ? tokens[pw + 1]
        : tokens.FirstOrDefault(t => t.StartsWith("--password=", StringComparison.Ordinal))?["--password=".Length..]
        ?? Environment.GetEnvironmentVariable("CONNECT_PASSWORD");
    foreach (var error in parsed.Errors) SafeConsole.Error(HostText.ScrubForeign(error.Message, password));
    return ExitCodes.InvalidArguments;
}
try
{
    return await parsed.InvokeAsync();
}
catch (IOException)
{
    // Help or version text written to a closed stdout: nothing was sent.
    return ExitCodes.Success;
}
