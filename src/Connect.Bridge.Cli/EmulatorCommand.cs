using System.CommandLine;
using System.Runtime.InteropServices;
using Connect.Bridge.Emulator;

namespace Connect.Bridge.Cli;

/// <summary><c>emulator</c>: runs the local 1C-Connect stand-in in the foreground until Ctrl+C or SIGTERM.</summary>
internal static class EmulatorCommand
{
    /// <summary>The environment variable the emulator's password is read from when <c>--password</c> is not given.</summary>
    public const string PasswordVariable = "CONNECT_EMULATOR_PASSWORD";

    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Loopback port (0 picks a free one)", DefaultValueFactory = _ => 8080 };
        var login = new Option<string>("--login") { Description = "Accepted login", DefaultValueFactory = _ => "bot" };
        // The password may come from the environment: a command line is visible to every user of the machine (ps).
        // No default value factory: --help prints defaults, and this one would be the password.
        var password = new Option<string?>("--password") { Description = $"Accepted password (or {PasswordVariable}, which ps does not show; default \"secret\")" };
        var lines = new Option<string?>("--lines") { Description = "Comma-separated line ids the bot may write to (others get 403)" };
        var quiet = new Option<bool>("--quiet") { Description = "Do not print each recorded call" };
        var command = new Command("emulator", "Run a local 1C-Connect emulator on 127.0.0.1.") { port, login, password, lines, quiet };
        command.SetAction(async (result, cancellationToken) =>
        {
            bool silent = result.GetValue(quiet);
            var settings = new EmulatorSettings
            {
                Port = result.GetValue(port),
                Login = result.GetValue(login)!,
                Password = result.GetValue(password) ?? (Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : "secret"),
                AllowedLines = result.GetValue(lines)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                OnRecorded = silent ? null : call => SafeConsole.Out($"recorded {call.Kind}: {call.RawBody}"),
            };
            EmulatorServer server;
            try
            {
                server = await EmulatorServer.StartAsync(settings, cancellationToken);
            }
            catch (ArgumentException ex)
            {
                // Bad settings (a port outside 0..65535, a line that is not a UUID): the emulator's own message, no stack trace.
                SafeConsole.Error($"emulator: {ex.Message}");
                return ExitCodes.InvalidArguments;
            }
            catch (IOException ex)
            {
                // The port is in use or cannot be bound.
                SafeConsole.Error($"emulator: {ex.Message}");
                return ExitCodes.NetworkFailure;
            }
            await using var running = server;
            SafeConsole.Out($"Listening on {server.BaseUrl}");
            SafeConsole.Out($"Chat page: {server.BaseUrl}");
            var stop = new TaskCompletionSource();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.TrySetResult(); });
            using var registration = cancellationToken.Register(() => stop.TrySetResult());
            await stop.Task;
            return 0;
        });
        return command;
    }
}
