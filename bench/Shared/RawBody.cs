using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Connect.Bridge.Bench;

/// <summary>The request body written by hand with Utf8JsonWriter: what a raw HttpClient caller would send.</summary>
internal static class RawBody
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(string line, string user, string text, string[][] captions)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("line_id", line);
            w.WriteString("user_id", user);
            w.WriteString("text", text);
            w.WriteStartArray("keyboard");
            foreach (var row in captions)
            {
                w.WriteStartArray();
                foreach (var caption in row)
                {
                    w.WriteStartObject();
                    w.WriteString("text", caption);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
