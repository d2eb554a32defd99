using System.Buffers.Binary;
using System.Text;
using Parley.Core.Model;

namespace Parley.Storage.Sqlite;

/// <summary>
/// The <c>packed</c> column of a messages row that holds several messages of one conversation,
/// those one commit stored, in seq order. Each is its seq, id, time, sender, room or recipient and
/// text, as <see cref="BinaryWriter"/> would write them (little-endian integers, strings as UTF-8
/// after a 7-bit encoded length), and the first byte says the layout, so a later Parley can add fields.
/// Layout 2 adds a byte of flags after each text (1: a system line); layout 1 has none.
/// </summary>
internal sealed class PackedMessages
{
    private const byte Layout = 2;
    private const byte SystemFlag = 1;
    // Written by hand rather than through a BinaryWriter, which rents and copies a buffer for
    // every string longer than 42 chars: that made packing 6 % of the server's time in many rooms.
    private byte[] _buffer = new byte[16 * 1024];
    private int _length;

    /// <summary>Encodes <paramref name="messages"/>; the span is valid until the next call.</summary>
    public ReadOnlySpan<byte> Encode(List<StoredMessage> messages)
    {
        _length = 0;
        WriteByte(Layout);
        Write7BitEncoded((uint)messages.Count);
        foreach (var message in messages)
        {
            WriteInt64(message.Seq);
            WriteString(message.Id);
            WriteInt64(message.Timestamp.ToUnixTimeMilliseconds());
            WriteString(message.From);
            WriteOptional(message.Room);
            WriteOptional(message.To);
            WriteString(message.Text);
            WriteByte(message.IsSystem ? SystemFlag : (byte)0);
        }
        return _buffer.AsSpan(0, _length);
    }

    private void WriteOptional(string? value)
    {
        WriteByte(value is null ? (byte)0 : (byte)1);
        if (value is not null)
            WriteString(value);
    }

    /// <summary>
    /// Encodes into room for the longest the string could be, after room for that length's prefix,
    /// then writes the real prefix and moves the bytes up if it is shorter: one pass over the
    /// string (counting its bytes first was a second one, 2 % of the server's time in many rooms).
    /// </summary>
    private void WriteString(string value)
    {
        var most = Encoding.UTF8.GetMaxByteCount(value.Length);
        var roomForPrefix = PrefixBytes((uint)most);
        Reserve(roomForPrefix + most);
        var count = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length + roomForPrefix));
        var prefix = PrefixBytes((uint)count);
        if (prefix < roomForPrefix)
            _buffer.AsSpan(_length + roomForPrefix, count).CopyTo(_buffer.AsSpan(_length + prefix));
        Write7BitEncoded((uint)count);
        _length += count;
    }

    private static int PrefixBytes(uint value)
    {
        var bytes = 1;
        for (; value >= 0x80; value >>= 7)
            bytes++;
        return bytes;
    }

    private void WriteInt64(long value)
    {
        Reserve(sizeof(long));
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_length), value);
        _length += sizeof(long);
    }

    private void Write7BitEncoded(uint value)
    {
        Reserve(5);
        for (; value >= 0x80; value >>= 7)
            _buffer[_length++] = (byte)(value | 0x80);
        _buffer[_length++] = (byte)value;
    }

    private void WriteByte(byte value)
    {
        Reserve(1);
        _buffer[_length++] = value;
    }

    private void Reserve(int bytes)
    {
        if (_length + bytes > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
    }

    /// <summary>The messages of a packed row of <paramref name="conversation"/>, in seq order.</summary>
    public static List<StoredMessage> Decode(string conversation, byte[] packed)
    {
        using var reader = new BinaryReader(new MemoryStream(packed, writable: false), Encoding.UTF8);
        var layout = reader.ReadByte();
        if (layout is not (1 or Layout))
            throw new InvalidDataException($"packed messages in layout {layout}; this Parley reads layouts 1 to {Layout}");
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
            var text = reader.ReadString();
            var system = layout >= 2 && (reader.ReadByte() & SystemFlag) != 0;
            messages.Add(new StoredMessage(id, conversation, seq, timestamp, from, room, to, text) { IsSystem = system });
        }
        return messages;
    }
}
