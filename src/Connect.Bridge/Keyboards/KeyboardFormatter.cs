using System.Text;

namespace Connect.Bridge;

/// <summary>Writes a keyboard back to its text forms (the COM surface reads keyboards back).</summary>
internal static class KeyboardFormatter
{
    public static byte[] ToWireUtf8(Keyboard keyboard) =>
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(WireKeyboard.From(keyboard), WireJson.Context.ListListWireButton);

    public static string ToRows(Keyboard keyboard)
    {
        var sb = new StringBuilder();
        foreach (var row in keyboard.Rows)
        {
            if (sb.Length > 0) sb.Append('\n');
            for (int i = 0; i < row.Count; i++)
            {
                if (i > 0) sb.Append(" | ");
                foreach (char c in row[i].Text)
                {
                    if (c is '|' or '\\') sb.Append('\\');
                    // The rows form has no newline escape: a caption with a line break reads back with a space.
                    sb.Append(c is '\r' or '\n' ? ' ' : c);
                }
            }
        }
        return sb.ToString();
    }
}
