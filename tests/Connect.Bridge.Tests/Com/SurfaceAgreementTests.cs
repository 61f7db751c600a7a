namespace Connect.Bridge.Tests.Com;

/// <summary>COM and the native text form reach the same core entries, so the same settings give the same body.</summary>
public sealed class SurfaceAgreementTests
{
    [Theory]
    [InlineData(false, "0")]
    [InlineData(true, "1")]
    public async Task Com_general_settings_and_the_native_option_send_the_same_body(bool comValue, string nativeValue)
    {
        await using var emulator = await TestData.StartEmulatorAsync([TestData.LineId]);
        var com = new Sender { BaseUrl = emulator.BaseUrl.ToString(), Login = TestData.Login, Password = TestData.Password, GeneralSettings = comValue };
        Assert.Equal(200, com.Send(TestData.LineId, TestData.UserId, "Привет"));

        // What cb_set_option / cb_send_message call in the native exports.
        using var native = new BridgeSender();
        native.SetOption(1, emulator.BaseUrl.ToString());
        native.SetOption(2, TestData.Login);
        native.SetOption(3, TestData.Password);
        native.SetOption(7, nativeValue);
        Assert.Equal(200, native.Send(TestData.LineId, TestData.UserId, "Привет").Status);

        Assert.Equal(2, emulator.Calls.Count);
        Assert.Equal(emulator.Calls[0].RawBody, emulator.Calls[1].RawBody);
        Assert.Contains($"\"general_settings\":{(comValue ? "true" : "false")}", emulator.Calls[0].RawBody, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_com_property_makes_the_next_send_minus_one()
    {
        var com = new Sender { Language = "en" };
        com.TimeoutSeconds = double.NaN;
        com.Login = "bot";
        Assert.Equal(-1, com.LastStatusCode);
        Assert.Equal(-1, com.Send(TestData.LineId, TestData.UserId, "x"));
        Assert.Equal("Invalid option: the timeout \"NaN\" must be between 1 ms and 1 hour.", com.LastErrorText);
        com.TimeoutSeconds = 1.5;
        Assert.Equal(1.5, com.TimeoutSeconds);
        Assert.Equal(0, com.LastStatusCode);
    }
}
