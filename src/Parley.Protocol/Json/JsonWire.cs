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

    public static byte[] Write(Action<Utf8JsonWriter> write) => Write(write, static (writer, write) => write(writer));

    /// <summary>
    /// Runs <paramref name="write"/> on a scratch writer and returns the bytes. Each thread keeps
    /// one scratch writer and buffer (encoding never awaits), so a frame costs only its own bytes
    /// rather than a fresh writer and a 4 KiB buffer; an unusually large buffer is not kept.
    /// </summary>
    public static byte[] Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var scratch = t_scratch;
        t_scratch = null; // taken: a nested call (none today) would get its own
        scratch ??= new Scratch();
        try
        {
            scratch.Buffer.ResetWrittenCount();
            scratch.Writer.Reset(scratch.Buffer);
            write(scratch.Writer, state);
            scratch.Writer.Flush();
            return scratch.Buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (scratch.Buffer.Capacity <= MaxScratchBytes)
                t_scratch = scratch;
        }
    }

    private const int MaxScratchBytes = 64 * 1024;

    [ThreadStatic]
    private static Scratch? t_scratch;

    private sealed class Scratch
    {
        public readonly ArrayBufferWriter<byte> Buffer = new(4096);
        public readonly Utf8JsonWriter Writer;

        public Scratch() => Writer = new Utf8JsonWriter(Buffer, WriterOptions);
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
