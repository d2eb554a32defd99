using System.Text;
using Parley.Core.Model;

namespace Parley.Storage.Sqlite;

/// <summary>
/// The <c>packed</c> column of a messages row that holds several messages of one conversation,
/// those one commit stored, in seq order. Each is its seq, id, time, sender, room or recipient and
/// text; strings are length-prefixed UTF-8 (<see cref="BinaryWriter"/>), and the first byte says
/// the layout, so a later Parley can add fields.
/// </summary>
internal sealed class PackedMessages
{
    private const byte Layout = 1;
    private readonly MemoryStream _buffer = new();
    private readonly BinaryWriter _writer;

    public PackedMessages() => _writer = new BinaryWriter(_buffer, Encoding.UTF8, leaveOpen: true);

    /// <summary>Encodes <paramref name="messages"/>; the span is valid until the next call.</summary>
    public ReadOnlySpan<byte> Encode(List<StoredMessage> messages)
    {
        _buffer.SetLength(0);
        _writer.Write(Layout);
        _writer.Write7BitEncodedInt(messages.Count);
        foreach (var message in messages)
        {
            _writer.Write(message.Seq);
            _writer.Write(message.Id);
            _writer.Write(message.Timestamp.ToUnixTimeMilliseconds());
            _writer.Write(message.From);
            WriteOptional(message.Room);
            WriteOptional(message.To);
            _writer.Write(message.Text);
        }
        _writer.Flush();
        return _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length);
    }

    private void WriteOptional(string? value)
    {
        _writer.Write(value is not null);
        if (value is not null)
            _writer.Write(value);
    }

    /// <summary>The messages of a packed row of <paramref name="conversation"/>, in seq order.</summary>
    public static List<StoredMessage> Decode(string conversation, byte[] packed)
    {
        using var reader = new BinaryReader(new MemoryStream(packed, writable: false), Encoding.UTF8);
        var layout = reader.ReadByte();
        if (layout != Layout)
            throw new InvalidDataException($"packed messages in layout {layout}; this Parley reads layout {Layout}");
        var count = reader.Read7BitEncodedInt();
        var messages = new List<StoredMessage>(count);
        for (var i = 0; i < count; i++)
        {
            var seq = reader.ReadInt64();
            var id = reader.ReadString();
            var timestamp = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
            var from = reader.ReadString();
            var room = reader.ReadBoolean() ? reader.ReadString() : null;
            var to = reader.ReadBoolean() ? reader.ReadString() : null;
            messages.Add(new StoredMessage(id, conversation, seq, timestamp, from, room, to, reader.ReadString()));
        }
        return messages;
    }
}
