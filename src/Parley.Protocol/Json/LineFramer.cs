using System.Buffers;

namespace Parley.Protocol.Json;

public enum FrameStatus
{
    /// <summary>A whole line was taken from the buffer.</summary>
    Line,
    /// <summary>No whole line yet; read more.</summary>
    NeedMore,
    /// <summary>The buffered line passed the limit without ending: the peer must be cut off.</summary>
    TooLong,
}

/// <summary>
/// Splits UTF-8 bytes into lines ending in '\n' (a '\r' before it is dropped). A pure codec:
/// no I/O, so it is tested on byte sequences cut at every position.
/// </summary>
public static class LineFramer
{
    public static FrameStatus TryReadLine(ref ReadOnlySequence<byte> buffer, int maxLineBytes, out ReadOnlySequence<byte> line) =>
        TryReadLine(ref buffer, maxLineBytes, 0, out line);

    /// <summary>
    /// As above, but the first <paramref name="knownWithoutNewline"/> bytes are known to hold no
    /// '\n' (they were searched on an earlier call), so a line arriving a byte at a time costs a
    /// linear search in all, not a quadratic one.
    /// </summary>
    public static FrameStatus TryReadLine(ref ReadOnlySequence<byte> buffer, int maxLineBytes, long knownWithoutNewline, out ReadOnlySequence<byte> line)
    {
        var skip = Math.Clamp(knownWithoutNewline, 0, buffer.Length);
        var end = buffer.Slice(skip).PositionOf((byte)'\n');
        if (end is null)
        {
            line = default;
            // One byte of slack: a line of exactly the limit may still be waiting for the '\n' after its '\r'.
            return buffer.Length > maxLineBytes + 1 ? FrameStatus.TooLong : FrameStatus.NeedMore;
        }
        line = buffer.Slice(0, end.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
        if (line.Length > 0 && EndsWithCarriageReturn(line))
            line = line.Slice(0, line.Length - 1);
        return line.Length > maxLineBytes ? FrameStatus.TooLong : FrameStatus.Line;
    }

    private static bool EndsWithCarriageReturn(in ReadOnlySequence<byte> line)
    {
        var last = line.Slice(line.Length - 1);
        return last.FirstSpan[0] == (byte)'\r';
    }
}
