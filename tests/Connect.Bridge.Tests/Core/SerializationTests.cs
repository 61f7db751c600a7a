using System.Text;
using System.Text.RegularExpressions;

namespace Connect.Bridge.Tests.Core;

public class SerializationTests
{
    private static string WithoutWhitespace(string json) => Regex.Replace(json, @"\s+(?=(?:[^""]*""[^""]*"")*[^""]*$)", "");

    [Fact]
    public void Seed_example_serialises_to_the_seed_json()
    {
        // The body of the seed's HTTP example (SendMessageLine.seed.txt), with the fields in the API's documented order.
        const string seed = """
            { "line_id": "5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44", "user_id": "df4cca69-ce40-472e-9083-af9b279c72cc",
              "text": "Текст сообщения",
              "keyboard": [ [ { "text": "Первая" }, { "text": "Вторая" } ], [ { "text": "Третья" }, { "text": "Четвертая" } ], [ { "text": "Пятая" } ] ]}
            """;
        var message = new LineMessage("5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44", "df4cca69-ce40-472e-9083-af9b279c72cc", "Текст сообщения")
        {
            Keyboard = Keyboard.Parse("Первая|Вторая\nТретья|Четвертая\nПятая", KeyboardFormat.Rows),
        };
        byte[] body = ConnectClient.SerializeMessage(message)!;
        Assert.Equal(WithoutWhitespace(seed), Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void Cyrillic_is_raw_utf8_and_optional_fields_are_omitted()
    {
        var body = Encoding.UTF8.GetString(ConnectClient.SerializeMessage(new LineMessage(TestData.LineId, TestData.UserId, "Привет, мир"))!);
        Assert.Contains("Привет, мир", body);
        Assert.DoesNotContain("\\u", body);
        Assert.DoesNotContain("author_id", body);
        Assert.DoesNotContain("general_settings", body);
        Assert.DoesNotContain("keyboard", body);
    }

    [Fact]
    public void Optional_fields_when_set_use_snake_case()
    {
        var message = new LineMessage(TestData.LineId, TestData.UserId, "x")
        {
            AuthorId = "{0E8B3A4C-1111-4222-8333-944455556666}",
            GeneralSettings = true,
            Keyboard = Keyboard.Parse("""[[{"text":"A","id":"cmd-a"}]]"""),
        };
        var body = Encoding.UTF8.GetString(ConnectClient.SerializeMessage(message)!);
        Assert.Equal("""{"line_id":"5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44","user_id":"df4cca69-ce40-472e-9083-af9b279c72cc","author_id":"0e8b3a4c-1111-4222-8333-944455556666","general_settings":true,"text":"x","keyboard":[[{"text":"A","id":"cmd-a"}]]}""", body);
    }

    [Fact]
    public void Special_characters_are_escaped_as_json_requires()
    {
        var body = Encoding.UTF8.GetString(ConnectClient.SerializeMessage(new LineMessage(TestData.LineId, TestData.UserId, "a\"b\\c\nd\te <x>&"))!);
        Assert.Contains("\"text\":\"a\\\"b\\\\c\\nd\\te <x>&\"", body);
    }
}
