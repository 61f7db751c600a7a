namespace Connect.Bridge.Tests.Com;

/// <summary>The COM class with its real HTTP client against the in-process emulator (no COM marshalling here).</summary>
public sealed class SenderEmulatorTests
{
    [Fact]
    public async Task Send_and_drop_reach_the_emulator_and_failures_read_back()
    {
        await using var emulator = await TestData.StartEmulatorAsync([TestData.LineId]);
        var sender = new Sender
        {
            BaseUrl = emulator.BaseUrl.ToString(),
            Login = TestData.Login,
            Password = TestData.Password,
            MaxRetries = 0,
            KeyboardRows = "Да|Нет",
        };

        Assert.Equal(200, sender.Send(TestData.LineId, TestData.UserId, "Привет"));
        Assert.Equal(200, sender.DropKeyboard(TestData.LineId, TestData.UserId));
        Assert.Equal(["message", "drop_keyboard"], emulator.Calls.Select(c => c.Kind));
        Assert.Equal("Привет", emulator.Calls[0].Text);
        Assert.Equal(["Да", "Нет"], emulator.Calls[0].Keyboard![0].Select(b => b.Text));

        Assert.Equal(-1, sender.Send("not-a-uuid", TestData.UserId, "x"));
        Assert.StartsWith("Неверный аргумент", sender.LastErrorText, StringComparison.Ordinal);

        Assert.Equal(403, sender.Send("0b7c5e2a-1111-4c22-9d33-aa44bb55cc66", TestData.UserId, "x"));
        Assert.Contains("403", sender.LastErrorText, StringComparison.Ordinal);

        sender.Password = "wrong";
        sender.ThrowOnError = true;
        var ex = Assert.Throws<System.Runtime.InteropServices.COMException>(() => sender.Send(TestData.LineId, TestData.UserId, "x"));
        Assert.Equal(401, sender.LastStatusCode);
        Assert.Equal(sender.LastErrorText, ex.Message);
        Assert.DoesNotContain(TestData.Password, ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, emulator.Calls.Count);
    }
}
