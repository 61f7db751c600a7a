using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Connect.Bridge.Tests.Reliability;

/// <summary>A keyboard whose captions the rows form can carry: trimmed, non-empty, no CR/LF; pipes, backslashes, any other Unicode.</summary>
public sealed record RowsKeyboard(Keyboard Keyboard)
{
    public override string ToString() => Keyboard.ToJson();
}

/// <summary>A keyboard for the JSON form: captions with anything (newlines, quotes, pipes, backslashes) but not blank; optional ids.</summary>
public sealed record JsonKeyboard(Keyboard Keyboard)
{
    public override string ToString() => Keyboard.ToJson();
}

/// <summary>Text built from JSON and rows fragments (brackets, quotes, escapes, surrogates, separators), to reach deep into the parsers.</summary>
public sealed record ParserInput(string Text)
{
    public override string ToString() => System.Text.Json.JsonSerializer.Serialize(Text);
}

/// <summary>The generators. Everything stays within <see cref="Limits"/> by construction, so a generated keyboard is always valid.</summary>
public static class KeyboardArbitraries
{
    /// <summary>One Unicode scalar value as a string (a surrogate pair for the astral ones), with pipes and backslashes frequent.</summary>
    private static Gen<string> Scalar(bool newlines)
    {
        var pieces = new List<(int, Gen<string>)>
        {
            (10, Gen.Choose(0x20, 0x7E).Select(c => ((char)c).ToString())),
            (4, Gen.Elements("|", "\\", "\\|", "\\\\", "||", "[", "]", "\"", "{", "}", ",", ":")),
            (4, Gen.Choose(0x0400, 0x04FF).Select(c => ((char)c).ToString())),                 // Cyrillic
            (2, Gen.Choose(0x4E00, 0x9FFF).Select(c => ((char)c).ToString())),                 // CJK
            (2, Gen.Choose(0x1F300, 0x1FAFF).Select(char.ConvertFromUtf32)),                  // emoji: surrogate pairs
            (1, Gen.Choose(0x10000, 0x10FFFF).Select(char.ConvertFromUtf32)),                 // any astral scalar
            (2, Gen.Choose(0x00A0, 0xD7FF).Select(c => ((char)c).ToString())),                 // any BMP scalar below the surrogates
            (1, Gen.Choose(0xE000, 0xFFFF).Select(c => ((char)c).ToString())),                 // and above them
            (2, Gen.Elements(" ", "\t", "\u00a0", "\u2028", "\u3000", "\u200d", "\ufeff")),   // spaces and invisible marks
            (1, Gen.Elements("\u0001", "\u001b", "\u007f", "\u0085")),                  // control characters (NUL is rejected in captions)
        };
        if (newlines) pieces.Add((2, Gen.Elements("\n", "\r", "\r\n")));
        return Gen.Frequency(pieces.ToArray());
    }

    /// <summary>Concatenates scalars up to <paramref name="max"/> UTF-16 units without splitting a pair.</summary>
    private static string Take(IEnumerable<string> scalars, int max)
    {
        var sb = new StringBuilder();
        foreach (var s in scalars)
        {
            if (sb.Length + s.Length > max) break;
            sb.Append(s);
        }
        return sb.ToString();
    }

    private static Gen<string> RowsCaption =>
        Gen.NonEmptyListOf(Scalar(newlines: false)).Select(list =>
        {
            string caption = Take(list, Limits.MaxButtonTextLength).Trim();
            return caption.Length == 0 ? "x" : caption;
        });

    private static Gen<string> JsonCaption =>
        Gen.NonEmptyListOf(Scalar(newlines: true)).Select(list =>
        {
            string caption = Take(list, Limits.MaxButtonTextLength);
            return string.IsNullOrWhiteSpace(caption) ? caption.Length < Limits.MaxButtonTextLength ? caption + "x" : "x" : caption;
        });

    private static Gen<string?> Id =>
        Gen.Frequency(
            (2, Gen.Constant<string?>(null)),
            (1, Gen.ListOf(Scalar(newlines: true)).Select(list => (string?)Take(list, Limits.MaxButtonIdLength))));

    private static Gen<Keyboard> KeyboardOf(Gen<KeyboardButton> button) =>
        from rows in Gen.Choose(1, Limits.MaxKeyboardRows)
        from cells in Gen.ListOf(Gen.Choose(1, Limits.MaxButtonsPerRow).SelectMany(n => Gen.ListOf(button, n)), rows)
        select new Keyboard(cells);

    public static Arbitrary<RowsKeyboard> Rows() =>
        Arb.From(KeyboardOf(RowsCaption.Select(c => new KeyboardButton(c))).Select(k => new RowsKeyboard(k)));

    public static Arbitrary<JsonKeyboard> Json() =>
        Arb.From(KeyboardOf(JsonCaption.SelectMany(c => Id.Select(id => new KeyboardButton(c, id)))).Select(k => new JsonKeyboard(k)));

    public static Arbitrary<ParserInput> Input()
    {
        var fragment = Gen.Frequency(
            (6, Gen.Elements("[", "]", "[[", "]]", "{", "}", "\"", ",", ":", " ", "\n", "\r\n", "|", "\\", "\\|", "\\\\")),
            (3, Gen.Elements("\"text\"", "\"id\"", "\"A\"", "\"Да\"", "null", "true", "1", "-0.5e3", "\"\\u0041\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\\u", "\\x")),
            (2, Gen.Elements("\ud800", "\udc00", "\0", "\ufeff", "😀")),
            (3, Scalar(newlines: true)));
        var deep = Gen.Choose(1, 40).Select(n => new string('[', n));
        return Arb.From(Gen.ListOf(Gen.Frequency((9, fragment), (1, deep))).Select(parts => new ParserInput(string.Concat(parts))));
    }
}

/// <summary>
/// Properties of the keyboard forms: both text forms round-trip any keyboard they can express, and the parsers never
/// throw anything but <see cref="KeyboardFormatException"/> (Parse) or nothing at all (TryParse, BridgeSender).
/// </summary>
[Properties(Arbitrary = [typeof(KeyboardArbitraries)], MaxTest = 300)]
public class PropertyTests
{
    [Property]
    public bool Rows_form_round_trips(RowsKeyboard k)
    {
        string text = k.Keyboard.ToRows();
        return Keyboard.Parse(text, KeyboardFormat.Rows).Equals(k.Keyboard)
            && Keyboard.Parse(text.Replace("\n", "\r\n", StringComparison.Ordinal), KeyboardFormat.Rows).Equals(k.Keyboard);
    }

    [Property]
    public bool Json_form_round_trips(JsonKeyboard k)
    {
        string json = k.Keyboard.ToJson();
        return Keyboard.Parse(json, KeyboardFormat.Json).Equals(k.Keyboard)
            && Keyboard.Parse(json, KeyboardFormat.Auto).Equals(k.Keyboard);
    }

    [Property]
    public bool Rows_keyboards_also_round_trip_through_json(RowsKeyboard k) =>
        Keyboard.Parse(k.Keyboard.ToJson(), KeyboardFormat.Json).Equals(k.Keyboard);

    [Property]
    public bool Json_keyboards_through_rows_keep_the_layout(JsonKeyboard k)
    {
        // The rows form has no ids and no newline escape; what it keeps is the layout and every caption up to those.
        var back = Keyboard.Parse(k.Keyboard.ToRows(), KeyboardFormat.Rows);
        return back.Rows.Count == k.Keyboard.Rows.Count
            && back.Rows.Zip(k.Keyboard.Rows).All(p => p.First.Count == p.Second.Count
                && p.First.Zip(p.Second).All(b => b.First.Text == b.Second.Text.Replace('\r', ' ').Replace('\n', ' ').Trim()));
    }

    [Property(MaxTest = 1000)]
    public void Parsers_throw_only_their_validation_error(ParserInput input) => NeverThrowsOtherwise(input.Text);

    [Property(MaxTest = 1000)]
    public void Parsers_throw_only_their_validation_error_for_any_string(NonNull<string> input) => NeverThrowsOtherwise(input.Get);

    private static void NeverThrowsOtherwise(string text)
    {
        foreach (var format in new[] { KeyboardFormat.Auto, KeyboardFormat.Json, KeyboardFormat.Rows })
        {
            bool ok = Keyboard.TryParse(text, format, out var keyboard, out var error, ErrorLanguage.English);
            Assert.Equal(ok, keyboard is not null);
            Assert.Equal(ok, error is null);
            try
            {
                var parsed = Keyboard.Parse(text, format, ErrorLanguage.English);
                Assert.True(ok);
                Assert.Equal(keyboard, parsed);
                Assert.Null(KeyboardParser.Check(parsed)); // anything the parser accepts is within the limits
            }
            catch (KeyboardFormatException e)
            {
                Assert.False(ok);
                Assert.Equal(error, e.Message);
                Assert.DoesNotContain('\n', e.Message);
            }
            using var sender = new BridgeSender();
            var outcome = sender.SetKeyboard(text, format);
            Assert.Equal(ok || text.Length == 0 ? 0 : BridgeStatus.InvalidArgument, outcome.Status);
        }
    }
}
