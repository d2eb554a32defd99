using System.Buffers;
using System.Text;
using CsCheck;

namespace Parley.Tests.Properties;

/// <summary>
/// Generators shared by the property tests. A failing property prints CsCheck's seed; set it as
/// <c>seed:</c> on the failing <c>Sample</c> call (or the CsCheck_Seed environment variable) to replay
/// exactly that case (docs/reliability.md, "Randomized protocol tests").
/// </summary>
public static class Gens
{
    /// <summary>Any bytes, short enough that thousands run in well under a second.</summary>
    public static readonly Gen<byte[]> Bytes = Gen.Byte.Array[0, 300];

    /// <summary>The lengths of the pieces a stream is cut into, as a socket may deliver it.</summary>
    public static readonly Gen<int[]> Cuts = Gen.Int[1, 24].Array[1, 40];

    /// <summary>Any Unicode scalar value as a string (one or two UTF-16 code units).</summary>
    public static readonly Gen<string> Scalar =
        Gen.Int[0, 0x10FFFF].Where(c => c is < 0xD800 or > 0xDFFF).Select(char.ConvertFromUtf32);

    /// <summary>Valid Unicode text, biased towards the characters codecs escape or split on.</summary>
    public static readonly Gen<string> Text = Gen.Frequency(
            (3, Gen.Char["abc ;:\\\r\n\0=@!\"\t/+é€"].Select(c => c.ToString())),
            (1, Scalar))
        .Array[0, 30].Select(string.Concat);

    /// <summary>Fragments of JSON, valid and broken, so a concatenation is often almost a request.</summary>
    public static readonly Gen<byte[]> JsonIsh = Gen.OneOf(
            new[]
            {
                "{", "}", "[", "]", ":", ",", "\"", "\"id\"", "\"type\"", "\"ping\"", "\"send\"", "\"room\"", "\"text\"", "\"users\"",
                "1", "-0.5e3", "null", "true", "\"x\"", "\"\\ud800\"", "\"a\\udc00b\"", "\"\\u00e9\"", "\"\\\"", "\\u", "\n", "\r\n", " ",
                "\u00e9", "\"2026-11-25T13:37:11Z\"",
            }.Select(Encoding.UTF8.GetBytes).Append([0xFF]).Append([0xED, 0xA0, 0x80]).ToArray())
        .Array[0, 40].Select(parts => parts.SelectMany(part => part).ToArray());

    /// <summary>Cuts <paramref name="bytes"/> into pieces of the given lengths (the last takes the rest).</summary>
    public static List<byte[]> Cut(byte[] bytes, IEnumerable<int> lengths)
    {
        var pieces = new List<byte[]>();
        var at = 0;
        foreach (var length in lengths)
        {
            if (at == bytes.Length)
                break;
            var take = Math.Min(length, bytes.Length - at);
            pieces.Add(bytes[at..(at + take)]);
            at += take;
        }
        if (at < bytes.Length)
            pieces.Add(bytes[at..]);
        return pieces;
    }

    /// <summary>The pieces as one <see cref="ReadOnlySequence{T}"/> of as many segments, as a pipe hands them over.</summary>
    public static ReadOnlySequence<byte> Sequence(IReadOnlyList<byte[]> pieces)
    {
        Segment? first = null, last = null;
        foreach (var piece in pieces)
            last = last is null ? first = new Segment(piece, 0) : last.Append(piece);
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
