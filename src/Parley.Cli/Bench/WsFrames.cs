using System.Buffers.Binary;

namespace Parley.Cli.Bench;

/// <summary>
/// The few WebSocket frames the bench needs (RFC 6455), written and read on bytes so a WebSocket
/// connection goes through the same big-buffer receive loop as a TCP one. Client frames must be
/// masked; the bench uses the all-zero mask key, which leaves the payload as it is (a server cannot
/// tell it from a random key, and nothing on loopback needs the protection masking gives proxies).
/// </summary>
public static class WsFrames
{
    public const byte Text = 1;
    public const byte Close = 8;
    public const byte Ping = 9;
    public const byte Pong = 10;

    /// <summary>Longest header a client frame gets: 2 + 8 bytes of length + 4 of mask.</summary>
    public const int MaxClientHeader = 14;

    public static int ClientHeaderLength(int payloadLength) => payloadLength < 126 ? 6 : payloadLength <= ushort.MaxValue ? 8 : 14;

    /// <summary>Writes a final, masked (zero key) frame header for a payload of this length.</summary>
    public static int WriteClientHeader(Span<byte> destination, byte opcode, int payloadLength)
    {
        destination[0] = (byte)(0x80 | opcode);
        int at;
        if (payloadLength < 126)
        {
            destination[1] = (byte)(0x80 | payloadLength);
            at = 2;
        }
        else if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            at = 4;
        }
        else
        {
            destination[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
            at = 10;
        }
        destination.Slice(at, 4).Clear();
        return at + 4;
    }

    /// <summary>Reads one server frame from the start of <paramref name="buffer"/>, if it is all there.</summary>
    public static bool TryRead(ReadOnlySpan<byte> buffer, out byte opcode, out int headerLength, out long payloadLength)
    {
        opcode = 0;
        headerLength = 0;
        payloadLength = 0;
        if (buffer.Length < 2)
            return false;
        opcode = (byte)(buffer[0] & 0x0F);
        var masked = (buffer[1] & 0x80) != 0;
        long length = buffer[1] & 0x7F;
        var at = 2;
        if (length == 126)
        {
            if (buffer.Length < 4)
                return false;
            length = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
            at = 4;
        }
        else if (length == 127)
        {
            if (buffer.Length < 10)
                return false;
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(buffer[2..]);
            at = 10;
        }
        if (masked)
            at += 4;
        headerLength = at;
        payloadLength = length;
        return buffer.Length >= at + length;
    }
}
