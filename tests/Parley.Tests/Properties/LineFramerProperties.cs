using System.Buffers;
using CsCheck;
using Parley.Protocol.Json;

namespace Parley.Tests.Properties;

/// <summary><see cref="LineFramer"/> on random bytes and random cuts of them.</summary>
public sealed class LineFramerProperties
{
    private const int MaxLine = 64;

    /// <summary>What framing a whole buffer gave: its lines, its last status, and what was left over.</summary>
    private sealed record Framing(List<string> Lines, FrameStatus Status, string Rest);

    /// <summary>Frames the way the TCP transport does: each read adds a piece, and the bytes already searched are skipped.</summary>
    private static Framing FrameIncrementally(IReadOnlyList<byte[]> pieces)
    {
        var lines = new List<string>();
        var pending = Array.Empty<byte>();
        long searched = 0;
        var status = FrameStatus.NeedMore;
        foreach (var piece in pieces)
        {
            pending = [.. pending, .. piece];
            var buffer = Gens.Sequence(Gens.Cut(pending, [Math.Max(1, pending.Length / 2)]));
            while ((status = LineFramer.TryReadLine(ref buffer, MaxLine, searched, out var line)) == FrameStatus.Line)
            {
                searched = 0;
                lines.Add(Convert.ToHexString(line.ToArray()));
            }
            if (status == FrameStatus.TooLong)
                return new Framing(lines, status, "");
            searched = buffer.Length;
            pending = buffer.ToArray();
        }
        return new Framing(lines, status, Convert.ToHexString(pending));
    }

    private static Framing FrameWhole(byte[] bytes) => FrameIncrementally([bytes]);

    [Fact]
    public void Arbitrary_bytes_never_throw_and_every_line_is_within_the_limit() =>
        Gens.Bytes.Sample(bytes =>
        {
            var buffer = new ReadOnlySequence<byte>(bytes);
            FrameStatus status;
            while ((status = LineFramer.TryReadLine(ref buffer, MaxLine, out var line)) == FrameStatus.Line)
            {
                Assert.True(line.Length <= MaxLine);
                Assert.True(line.PositionOf((byte)'\n') is null);
            }
            Assert.True(status == FrameStatus.TooLong || buffer.Length <= MaxLine + 1);
        }, iter: 2000);

    [Fact]
    public void Any_cut_of_a_stream_frames_as_the_whole_stream_does() =>
        Gen.Select(Gen.Frequency((3, Gens.JsonIsh), (1, Gens.Bytes)), Gens.Cuts).Sample((bytes, cuts) =>
        {
            Assert.Equal(FrameWhole(bytes), FrameIncrementally(Gens.Cut(bytes, cuts)), FramingComparer.Instance);
        }, iter: 2000);

    [Fact]
    public void Valid_lines_cut_anywhere_come_out_as_they_went_in() =>
        Gen.Select(Gen.Char['!', '~'].Array[0, MaxLine].Select(c => new string(c)).Array[0, 20], Gen.Bool, Gens.Cuts).Sample((lines, crlf, cuts) =>
        {
            var stream = System.Text.Encoding.ASCII.GetBytes(string.Concat(lines.Select(l => l + (crlf ? "\r\n" : "\n"))));
            var framed = FrameIncrementally(Gens.Cut(stream, cuts));
            Assert.Equal(lines.Select(l => Convert.ToHexString(System.Text.Encoding.ASCII.GetBytes(l))), framed.Lines);
            Assert.Equal((FrameStatus.NeedMore, ""), (framed.Status, framed.Rest));
        }, iter: 1000);

    private sealed class FramingComparer : IEqualityComparer<Framing>
    {
        public static readonly FramingComparer Instance = new();

        public bool Equals(Framing? x, Framing? y) =>
            x!.Status == y!.Status && x.Rest == y.Rest && x.Lines.SequenceEqual(y.Lines);

        public int GetHashCode(Framing obj) => obj.Lines.Count;
    }
}
