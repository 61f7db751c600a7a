namespace Connect.Bridge.Tests.Core;

public class KeyboardTests
{
    private static string Flat(Keyboard k) => string.Join(" / ", k.Rows.Select(r => string.Join(",", r.Select(b => b.Id is null ? b.Text : $"{b.Text}#{b.Id}"))));

    [Fact]
    public void Json_wire_form_with_ids()
    {
        var k = Keyboard.Parse("""[[{"text":"A","id":"a"},{"text":"B"}],[{"text":"C"}]]""", KeyboardFormat.Json);
        Assert.Equal("A#a,B / C", Flat(k));
    }

    [Fact]
    public void Json_shorthand_and_mixed()
    {
        Assert.Equal("A,B / C", Flat(Keyboard.Parse("""[["A","B"],["C"]]""", KeyboardFormat.Json)));
        Assert.Equal("A,B#b / Да", Flat(Keyboard.Parse("""[["A",{"text":"B","id":"b"}],["Да"]]""", KeyboardFormat.Json)));
    }

    [Fact]
    public void Json_null_id_is_absent()
    {
        var k = Keyboard.Parse("""[[{"text":"A","id":null}]]""", KeyboardFormat.Json);
        Assert.Null(k.Rows[0][0].Id);
    }

    [Theory]
    [InlineData("Да|Нет\nПозвать оператора")]
    [InlineData("Да|Нет\r\nПозвать оператора")]
    [InlineData("Да|Нет\rПозвать оператора")]
    [InlineData("  Да  |  Нет  \n\n   \nПозвать оператора\n")]
    public void Rows_line_endings_trimming_and_blank_lines(string text)
    {
        Assert.Equal("Да,Нет / Позвать оператора", Flat(Keyboard.Parse(text, KeyboardFormat.Rows)));
    }

    [Fact]
    public void Rows_escapes()
    {
        var k = Keyboard.Parse(@"A\|B|C\\D|C:\Temp", KeyboardFormat.Rows);
        Assert.Equal(["A|B", @"C\D", @"C:\Temp"], k.Rows[0].Select(b => b.Text));
    }

    [Theory]
    [InlineData("[[\"A\"]]", "A")]
    [InlineData("  \n [[\"A\"]]", "A")]
    [InlineData("A|B", "A,B")]
    [InlineData("[A]|B", "[A],B")] // not JSON: the first non-blank char decides, so a JSON error is reported
    public void Auto_mode_picks_the_form(string text, string expected)
    {
        if (expected == "[A],B")
        {
            Assert.Throws<KeyboardFormatException>(() => Keyboard.Parse(text));
            Assert.Equal(expected, Flat(Keyboard.Parse(text, KeyboardFormat.Rows)));
        }
        else
        {
            Assert.Equal(expected, Flat(Keyboard.Parse(text)));
        }
    }

    [Theory]
    [InlineData("A|B\nC||D", 2, 2)]
    [InlineData("A|B\n\nC|  |D", 3, 2)]
    [InlineData("A|", 1, 2)]
    public void Rows_empty_button_says_where(string text, int row, int button)
    {
        var ex = Assert.Throws<KeyboardFormatException>(() => Keyboard.Parse(text, KeyboardFormat.Rows, ErrorLanguage.English));
        Assert.Equal(row, ex.Row);
        Assert.Equal(button, ex.Button);
        Assert.Contains($"row {row}, button {button}", ex.Message);
        Assert.Contains("empty button text", ex.Message);
    }

    [Fact]
    public void Rows_separators_only_is_an_error()
    {
        var ex = Assert.Throws<KeyboardFormatException>(() => Keyboard.Parse("A\n | | \nB", KeyboardFormat.Rows, ErrorLanguage.English));
        Assert.Equal(2, ex.Row);
        Assert.Contains("only '|' separators", ex.Message);
    }

    [Theory]
    [InlineData("""[["A"],[]]""", 2, 0, "row is empty")]
    [InlineData("""[["A",""]]""", 1, 2, "empty button text")]
    [InlineData("""[["A","   "]]""", 1, 2, "empty button text")]
    [InlineData("""[[{"id":"x"}]]""", 1, 1, "empty button text")]
    [InlineData("""[[{"text":"A","id":5}]]""", 1, 1, "id must be a string")]
    [InlineData("""[[{"text":7}]]""", 1, 1, "text must be a string")]
    [InlineData("""[[{"text":"A","colour":"red"}]]""", 1, 1, "unknown button field \"colour\"")]
    [InlineData("""[["A"],"B"]""", 2, 0, "row must be an array")]
    [InlineData("""[["A", 3]]""", 1, 2, "button must be a string or an object")]
    [InlineData("""[[["A"]]]""", 1, 1, "button must be a string or an object")]
    public void Json_structure_errors_say_where(string json, int row, int button, string what)
    {
        var ex = Assert.Throws<KeyboardFormatException>(() => Keyboard.Parse(json, KeyboardFormat.Json, ErrorLanguage.English));
        Assert.Equal(row, ex.Row);
        Assert.Equal(button, ex.Button);
        Assert.Contains(what, ex.Message);
    }

    [Theory]
    [InlineData("""[["A",]]""", 7)]
    [InlineData("[[\"A\"]\n,[\"B\" \"C\"]]", 14)]
    [InlineData("""[["Да" "Нет"]]""", 8)]
    [InlineData("""[["A"]] x""", 9)]
    public void Json_syntax_errors_give_the_position(string json, int position)
    {
        var ex = Assert.Throws<KeyboardFormatException>(() => Keyboard.Parse(json, KeyboardFormat.Json, ErrorLanguage.English));
        Assert.Equal(position, ex.Position);
        Assert.Contains($"position {position}", ex.Message);
    }

    [Theory]
    [InlineData("{}", "must be an array")]
    [InlineData("[]", "no buttons")]
    [InlineData("\"A\"", "must be an array")]
    public void Json_top_level_errors(string json, string what)
    {
        var ex = Assert.Throws<KeyboardFormatException>(() => Keyboard.Parse(json, KeyboardFormat.Json, ErrorLanguage.English));
        Assert.Contains(what, ex.Message);
    }

    [Fact]
    public void Deep_nesting_is_a_clear_error_not_a_crash()
    {
        string json = new string('[', 10_000) + new string(']', 10_000);
        var ex = Assert.Throws<KeyboardFormatException>(() => Keyboard.Parse(json, KeyboardFormat.Json, ErrorLanguage.English));
        Assert.Equal(1, ex.Row);
        Assert.Equal(1, ex.Button);
    }

    [Fact]
    public void Escaped_lone_surrogate_is_rejected()
    {
        var ex = Assert.Throws<KeyboardFormatException>(() => Keyboard.Parse("""[["\ud800"]]""", KeyboardFormat.Json, ErrorLanguage.English));
        Assert.Contains("lone surrogate", ex.Message);
    }

    [Fact]
    public void Limits_are_enforced()
    {
        string tooManyRows = string.Join("\n", Enumerable.Range(1, Limits.MaxKeyboardRows + 1).Select(i => "B" + i));
        Assert.Contains("more than", Assert.Throws<KeyboardFormatException>(() => Keyboard.Parse(tooManyRows, KeyboardFormat.Rows, ErrorLanguage.English)).Message);
        string tooWide = string.Join("|", Enumerable.Range(1, Limits.MaxButtonsPerRow + 1).Select(i => "B" + i));
        Assert.Contains("buttons in a row", Assert.Throws<KeyboardFormatException>(() => Keyboard.Parse(tooWide, KeyboardFormat.Rows, ErrorLanguage.English)).Message);
        string longCaption = new('x', Limits.MaxButtonTextLength + 1);
        Assert.Contains("longer than", Assert.Throws<KeyboardFormatException>(() => Keyboard.Parse(longCaption, KeyboardFormat.Rows, ErrorLanguage.English)).Message);
        Assert.NotNull(Keyboard.Parse(new string('x', Limits.MaxButtonTextLength), KeyboardFormat.Rows));
    }

    [Fact]
    public void Errors_are_in_russian_by_default()
    {
        var ex = Assert.Throws<KeyboardFormatException>(() => Keyboard.Parse("A||B", KeyboardFormat.Rows));
        Assert.Equal("Неверная клавиатура (строка 1, кнопка 2): пустой текст кнопки.", ex.Message);
    }

    [Fact]
    public void TryParse_reports_without_throwing()
    {
        Assert.False(Keyboard.TryParse("[[]]", KeyboardFormat.Auto, out var k, out var error, ErrorLanguage.English));
        Assert.Null(k);
        Assert.Equal("Invalid keyboard (row 1): the keyboard row is empty.", error);
        Assert.True(Keyboard.TryParse("A", KeyboardFormat.Auto, out k, out error));
        Assert.Null(error);
        Assert.Equal("A", k!.Rows[0][0].Text);
    }

    [Fact]
    public void Formats_back_to_both_forms()
    {
        var k = Keyboard.Parse("""[[{"text":"Да","id":"yes"},"a|b"],["c\\d"]]""", KeyboardFormat.Json);
        Assert.Equal("""[[{"text":"Да","id":"yes"},{"text":"a|b"}],[{"text":"c\\d"}]]""", k.ToJson());
        Assert.Equal("Да | a\\|b\nc\\\\d", k.ToRows());
        Assert.Equal(k, Keyboard.Parse(k.ToJson(), KeyboardFormat.Json));
        var fromRows = Keyboard.Parse(k.ToRows(), KeyboardFormat.Rows);
        Assert.Equal(["Да", "a|b"], fromRows.Rows[0].Select(b => b.Text));
        Assert.Equal(@"c\d", fromRows.Rows[1][0].Text);
    }
}
