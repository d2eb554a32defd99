using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Parley.Core.Model;

namespace Parley.Protocol.Json;

/// <summary>Shared pieces of the JSON wire format: writer settings and the shape of a message.</summary>
public static class JsonWire
{
    /// <summary>
    /// Text in the Basic Multilingual Plane (accents, CJK…) stays readable on the wire; quotes,
    /// control characters and characters outside the BMP (emoji) are escaped as \uXXXX.
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            write(writer);
        return buffer.WrittenSpan.ToArray();
    }

    public static string Timestamp(DateTimeOffset ts) => ts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    /// <summary>The fields of a message, as in the <c>message</c> event and in history.</summary>
    public static void WriteMessageFields(Utf8JsonWriter writer, StoredMessage message)
    {
        writer.WriteString("id", message.Id);
        writer.WriteNumber("seq", message.Seq);
        writer.WriteString("ts", Timestamp(message.Timestamp));
        writer.WriteString("from", message.From);
        if (message.Room is not null)
            writer.WriteString("room", message.Room);
        else
            writer.WriteString("to", message.To);
        writer.WriteString("text", message.Text);
    }
}
