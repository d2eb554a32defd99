using System.Buffers;

namespace Parley.Fuzz;

/// <summary>Bytes as a <see cref="ReadOnlySequence{T}"/> of several segments, as a pipe hands them over.</summary>
public static class Segments
{
    /// <summary>Cuts <paramref name="bytes"/> into pieces of the given lengths (the last takes the rest).</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlyMemory<byte> bytes, IEnumerable<int> lengths)
    {
        Segment? first = null, last = null;
        foreach (var length in lengths)
        {
            if (bytes.IsEmpty)
                break;
            var take = Math.Clamp(length, 1, bytes.Length);
            last = last is null ? first = new Segment(bytes[..take], 0) : last.Append(bytes[..take]);
            bytes = bytes[take..];
        }
        if (!bytes.IsEmpty)
            last = last is null ? first = new Segment(bytes, 0) : last.Append(bytes);
        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
