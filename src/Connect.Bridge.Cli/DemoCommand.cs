using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Connect.Bridge.Emulator;
using Connect.Bridge.Hosting;

namespace Connect.Bridge.Cli;

/// <summary>
/// <c>demo</c>: starts the emulator on a free loopback port and shows three outcomes: a delivered message with a
/// Cyrillic text and a keyboard, an invalid line id (nothing sent), and wrong credentials (401).
/// </summary>
internal static class DemoCommand
{
    private const string LineId = "5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44";
    private const string UserId = "df4cca69-ce40-472e-9083-af9b279c72cc";

    public static Command Create()
    {
        var language = new Option<string>("--language") { Description = "Error text language: ru | en", DefaultValueFactory = _ => "ru" };
        var keep = new Option<bool>("--keep") { Description = "Keep the emulator and its chat page up after the sends, until Ctrl+C" };
        var command = new Command("demo", "Run the emulator and show three sends against it (no network, no configuration).") { language, keep };
        command.SetAction(async (result, cancellationToken) =>
        {
            string login = "demo-bot", password = "demo-" + Guid.NewGuid().ToString("N")[..8];
            await using var emulator = await EmulatorServer.StartAsync(
                new EmulatorSettings { Login = login, Password = password, AllowedLines = [LineId] }, cancellationToken);
            SafeConsole.Out($"Emulator listening on {emulator.BaseUrl}");
            SafeConsole.Out($"Chat page (what the line's user sees): {emulator.BaseUrl}");
            int failures = 0;

            using var sender = new BridgeSender();
            sender.Set(SenderSetting.Language, result.GetValue(language));
            sender.Set(SenderSetting.BaseUrl, emulator.BaseUrl.ToString());
            sender.Set(SenderSetting.Login, login);
            sender.Set(SenderSetting.Password, password);
            sender.SetKeyboard("Да|Нет\nПозвать оператора", KeyboardFormat.Rows);

            Step("1. Message with Cyrillic text and a two-row keyboard");
            var ok = sender.Send(LineId, UserId, "Здравствуйте! Ваше обращение принято.");
            Show(ok);
            var recorded = emulator.Calls;
            SafeConsole.Out($"   emulator recorded {recorded.Count.ToString(CultureInfo.InvariantCulture)} call(s):");
            foreach (var call in recorded) SafeConsole.Out($"   {call.RawBody}");
            failures += ok.Status == 200 && recorded.Count == 1 ? 0 : 1;

            Step("2. Invalid line id");
            long before = emulator.RequestCount;
            var invalid = sender.Send("not-a-uuid", UserId, "Проверка");
            Show(invalid);
            long sent = emulator.RequestCount - before;
            SafeConsole.Out($"   requests that reached the emulator: {sent.ToString(CultureInfo.InvariantCulture)} (nothing sent)");
            failures += invalid.Status == BridgeStatus.InvalidArgument && sent == 0 ? 0 : 1;

            Step("3. Wrong credentials");
            sender.Set(SenderSetting.Password, "wrong-password");
            var unauthorised = sender.Send(LineId, UserId, "Проверка");
            Show(unauthorised);
            failures += unauthorised.Status == 401 ? 0 : 1;

            SafeConsole.Out("");
            SafeConsole.Out(failures == 0 ? "Demo finished: all three outcomes as expected." : $"Demo finished with {failures} unexpected outcome(s).");
            if (result.GetValue(keep))
            {
                SafeConsole.Out($"Open {emulator.BaseUrl} in a browser; the emulator stays up until Ctrl+C.");
                await WaitForStopAsync(cancellationToken);
            }

            return failures == 0 ? 0 : 1;
        });
        return command;
    }

    private static async Task WaitForStopAsync(CancellationToken cancellationToken)
    {
        var stop = new TaskCompletionSource();
        // SIGINT too: measured here, the invocation's own Ctrl+C handling did not end this wait.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.TrySetResult(); });
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.TrySetResult(); });
        using var registration = cancellationToken.Register(() => stop.TrySetResult());
        await stop.Task;
    }

    private static void Step(string title)
    {
        SafeConsole.Out("");
        SafeConsole.Out(title);
    }

    private static void Show(SendOutcome outcome) =>
        SafeConsole.Out(outcome.Succeeded
            ? $"   client returned: {outcome.Status.ToString(CultureInfo.InvariantCulture)} (success)"
            : $"   client returned: {outcome.Status.ToString(CultureInfo.InvariantCulture)} {outcome.ErrorText}");
}
