using System.Buffers;
using System.Globalization;
using System.Text;
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

    /// <summary>A time as the wire writes it: UTC to the millisecond, <c>2026-12-03T17:10:49.123Z</c>.</summary>
    public static string Timestamp(DateTimeOffset ts)
    {
        Span<byte> utf8 = stackalloc byte[TimestampBytes];
        FormatTimestamp(ts, utf8);
        return Encoding.ASCII.GetString(utf8);
    }

    public static void WriteTimestamp(Utf8JsonWriter writer, JsonEncodedText name, DateTimeOffset ts)
    {
        Span<byte> utf8 = stackalloc byte[TimestampBytes];
        FormatTimestamp(ts, utf8);
        writer.WriteString(name, utf8);
    }

    private const int TimestampBytes = 24;

    // "O" is the runtime's fast path (a custom format string is parsed on every call, and was 5 %
    // of the server's time under load); for UTC it gives seven fractional digits: keep three.
    private static void FormatTimestamp(DateTimeOffset ts, Span<byte> into)
    {
        Span<byte> roundTrip = stackalloc byte[28];
        if (!ts.UtcDateTime.TryFormat(roundTrip, out var written, "O", CultureInfo.InvariantCulture) || written != roundTrip.Length)
            throw new FormatException($"unexpected round-trip form of {ts:O}");
        roundTrip[..(TimestampBytes - 1)].CopyTo(into);
        into[TimestampBytes - 1] = (byte)'Z';
    }

    /// <summary>Property names of the frames written for every message, encoded once.</summary>
    public static class Property
    {
        public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
        public static readonly JsonEncodedText Re = JsonEncodedText.Encode("re");
        public static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
        public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
        public static readonly JsonEncodedText Seq = JsonEncodedText.Encode("seq");
        public static readonly JsonEncodedText Ts = JsonEncodedText.Encode("ts");
        public static readonly JsonEncodedText From = JsonEncodedText.Encode("from");
        public static readonly JsonEncodedText Room = JsonEncodedText.Encode("room");
        public static readonly JsonEncodedText To = JsonEncodedText.Encode("to");
        public static readonly JsonEncodedText Text = JsonEncodedText.Encode("text");
    }

    /// <summary>The fields of a message, as in the <c>message</c> event and in history; its files with links made by <paramref name="links"/>.</summary>
    public static void WriteMessageFields(Utf8JsonWriter writer, StoredMessage message, FileLinks links)
    {
        writer.WriteString(Property.Id, message.Id);
        writer.WriteNumber(Property.Seq, message.Seq);
        WriteTimestamp(writer, Property.Ts, message.Timestamp);
        writer.WriteString(Property.From, message.From);
        if (message.Room is not null)
            writer.WriteString(Property.Room, message.Room);
        else
            writer.WriteString(Property.To, message.To);
        var state = message.State;
        // A recalled message has no text at all.
        if (state is not { Recalled: true })
            writer.WriteString(Property.Text, message.Text);
        if (message.IsSystem)
            writer.WriteBoolean(SystemProperty, true);
        // Only a message the operator removed has neither text nor files: its tombstone.
        if (message.IsGone && state is not { Recalled: true })
            writer.WriteBoolean(Removed, true);
        if (message.ReplyTo is { } replyTo)
            writer.WriteNumber(ReplyTo, replyTo);
        if (message.Mentions is { } mentions)
        {
            writer.WriteStartArray(Mentions);
            foreach (var user in mentions)
                writer.WriteStringValue(user);
            writer.WriteEndArray();
        }
        if (message.MentionsAll)
            writer.WriteBoolean(MentionsAll, true);
        if (message.Attachments is { } attachments)
            WriteAttachments(writer, attachments, links);
        if (state is not null)
            WriteState(writer, state);
    }

    /// <summary><c>"attachments":[…]</c>: each file as a client shows it, with its download links.</summary>
    public static void WriteAttachments(Utf8JsonWriter writer, IReadOnlyList<Attachment> attachments, FileLinks links)
    {
        writer.WriteStartArray(AttachmentsProperty);
        foreach (var attachment in attachments)
            WriteAttachment(writer, attachment, links);
        writer.WriteEndArray();
    }

    /// <summary>One file: <c>{"id","name","size","type","width","height","url","thumb"}</c>, a picture's size and thumbnail only when it has them.</summary>
    public static void WriteAttachment(Utf8JsonWriter writer, Attachment attachment, FileLinks links)
    {
        writer.WriteStartObject();
        writer.WriteString(Property.Id, attachment.Id);
        writer.WriteString(NameProperty, attachment.Name);
        writer.WriteNumber(SizeProperty, attachment.Size);
        writer.WriteString(Property.Type, attachment.Type);
        if (attachment.Width is { } width)
            writer.WriteNumber(WidthProperty, width);
        if (attachment.Height is { } height)
            writer.WriteNumber(HeightProperty, height);
        writer.WriteString(UrlProperty, links.FilePath(attachment));
        if (attachment.HasThumb)
            writer.WriteString(ThumbProperty, links.ThumbPath(attachment));
        writer.WriteEndObject();
    }

    /// <summary><c>"messages":[…]</c>, each with the fields of the <c>message</c> event (<c>history</c>, <c>changes</c>, <c>search</c>).</summary>
    public static void WriteMessages(Utf8JsonWriter writer, IReadOnlyList<StoredMessage> messages, FileLinks links)
    {
        writer.WriteStartArray("messages");
        foreach (var message in messages)
        {
            writer.WriteStartObject();
            WriteMessageFields(writer, message, links);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    /// <summary>What was done to the message since: its change number, and edit, recall, reactions as they are.</summary>
    private static void WriteState(Utf8JsonWriter writer, MessageState state)
    {
        writer.WriteNumber(Rev, state.Rev);
        if (state.Edited is { } edited)
            WriteTimestamp(writer, Edited, edited);
        if (state.RecalledBy is { } by)
        {
            writer.WriteBoolean(Recalled, true);
            writer.WriteString(RecalledBy, by);
        }
        if (state.Reactions.Count > 0)
        {
            writer.WriteStartArray(Reactions);
            foreach (var reaction in state.Reactions)
            {
                writer.WriteStartObject();
                writer.WriteString(Emoji, reaction.Emoji);
                writer.WriteStartArray(Users);
                foreach (var user in reaction.Users)
                    writer.WriteStringValue(user);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
    }

    private static readonly JsonEncodedText SystemProperty = JsonEncodedText.Encode("system");
    private static readonly JsonEncodedText AttachmentsProperty = JsonEncodedText.Encode("attachments");
    private static readonly JsonEncodedText NameProperty = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText SizeProperty = JsonEncodedText.Encode("size");
    private static readonly JsonEncodedText WidthProperty = JsonEncodedText.Encode("width");
    private static readonly JsonEncodedText HeightProperty = JsonEncodedText.Encode("height");
    private static readonly JsonEncodedText UrlProperty = JsonEncodedText.Encode("url");
    private static readonly JsonEncodedText ThumbProperty = JsonEncodedText.Encode("thumb");
    private static readonly JsonEncodedText Removed = JsonEncodedText.Encode("removed");
    private static readonly JsonEncodedText ReplyTo = JsonEncodedText.Encode("replyTo");
    private static readonly JsonEncodedText Mentions = JsonEncodedText.Encode("mentions");
    private static readonly JsonEncodedText MentionsAll = JsonEncodedText.Encode("mentionsAll");
    private static readonly JsonEncodedText Rev = JsonEncodedText.Encode("rev");
    private static readonly JsonEncodedText Edited = JsonEncodedText.Encode("edited");
    private static readonly JsonEncodedText Recalled = JsonEncodedText.Encode("recalled");
    private static readonly JsonEncodedText RecalledBy = JsonEncodedText.Encode("recalledBy");
    private static readonly JsonEncodedText Reactions = JsonEncodedText.Encode("reactions");
    private static readonly JsonEncodedText Emoji = JsonEncodedText.Encode("emoji");
    private static readonly JsonEncodedText Users = JsonEncodedText.Encode("users");
}
