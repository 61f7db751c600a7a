using BenchmarkDotNet.Attributes;

namespace Connect.Bridge.Benchmarks;

/// <summary>
/// Keyboard parsing (5 buttons in 2 rows) in each text form, next to the allocation of the result objects alone
/// (5 captions, 5 buttons, 2 row arrays, the row list and the keyboard): the parser's own overhead is the difference.
/// </summary>
[MemoryDiagnoser]
public class KeyboardBenchmarks
{
    private const string Rows = "Да|Нет|Не знаю\nПозвать оператора|Отмена";
    private const string JsonShorthand = """[["Да","Нет","Не знаю"],["Позвать оператора","Отмена"]]""";
    private const string JsonWire =
        """[[{"text":"Да","id":"yes"},{"text":"Нет","id":"no"},{"text":"Не знаю","id":"unknown"}],[{"text":"Позвать оператора","id":"operator"},{"text":"Отмена","id":"cancel"}]]""";

    [Benchmark(Description = "parse rows form")]
    public Keyboard ParseRows() => Keyboard.Parse(Rows, KeyboardFormat.Rows);

    [Benchmark(Description = "parse JSON shorthand")]
    public Keyboard ParseJsonShorthand() => Keyboard.Parse(JsonShorthand, KeyboardFormat.Json);

    [Benchmark(Description = "parse JSON wire form (with ids)")]
    public Keyboard ParseJsonWire() => Keyboard.Parse(JsonWire, KeyboardFormat.Json);

    [Benchmark(Description = "parse auto (rows)")]
    public Keyboard ParseAuto() => Keyboard.Parse(Rows);

    /// <summary>
    /// The floor: only the objects a parsed keyboard consists of (the same sizes the parser's result holds):
    /// 5 caption strings, 5 buttons, 2 button arrays, the row list with its array, its read-only wrapper, the keyboard.
    /// </summary>
    [Benchmark(Baseline = true, Description = "result objects only (floor)")]
    public object ResultObjectsOnly()
    {
        ReadOnlySpan<char> rows = Rows;
        var row1 = new KeyboardButton[] { new(new string(rows[0..2])), new(new string(rows[3..6])), new(new string(rows[7..14])) };
        var row2 = new KeyboardButton[] { new(new string(rows[15..32])), new(new string(rows[33..39])) };
        var list = new List<IReadOnlyList<KeyboardButton>>(4) { row1, row2 };
        return new KeyboardShape(list.AsReadOnly());
    }

    /// <summary>Same size as <see cref="Keyboard"/> (one reference field).</summary>
    private sealed class KeyboardShape(IReadOnlyList<IReadOnlyList<KeyboardButton>> rows)
    {
        public IReadOnlyList<IReadOnlyList<KeyboardButton>> Rows { get; } = rows;
    }
}
