using System.CommandLine;
using Connect.Bridge.Cli;

var root = new RootCommand("connect-bridge: send messages to 1C-Connect support lines (SendMessageLine, DropKeyboard).");
root.Subcommands.Add(SendCommands.Send());
root.Subcommands.Add(SendCommands.DropKeyboard());
root.Subcommands.Add(EmulatorCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
// The same version as cb_version and the COM Version (no "+commit" build metadata).
if (args is ["--version"])
{
    Console.WriteLine(Connect.Bridge.BridgeInfo.Version);
    return 0;
}

return await root.Parse(args).InvokeAsync();
