using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Parley.Protocol.Json;

namespace Parley.Tests.Protocol;

/// <summary>
/// <see cref="LineFramer"/> on bytes that really went through a <see cref="Pipe"/>, written in the
/// chunks a socket might deliver: split anywhere, coalesced, cut off. The pipe uses tiny segments
/// so lines also span several buffer segments.
/// </summary>
public sealed class LineFramerTests
{
    private const int Default = 64 * 1024;

    /// <summary>What the framer made of a sequence of writes, read the way the TCP transport reads.</summary>
    private sealed record Framed(List<string> Lines, FrameStatus Last, byte[] Leftover, bool SawMultiSegment);

    private static async Task<Framed> FrameAsync(IEnumerable<byte[]> writes, int maxLineBytes, bool complete = true)
    {
        // minimumSegmentSize 1: each write may land in its own small segment; no back-pressure.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, minimumSegmentSize: 1, useSynchronizationContext: false));
        var lines = new List<string>();
        var status = FrameStatus.NeedMore;
        var multiSegment = false;
        byte[] leftover = [];

        async Task<bool> ReadAvailableAsync()
        {
            var result = await pipe.Reader.ReadAsync();
            var buffer = result.Buffer;
            multiSegment |= !buffer.IsSingleSegment;
            while ((status = LineFramer.TryReadLine(ref buffer, maxLineBytes, out var line)) == FrameStatus.Line)
                lines.Add(Encoding.UTF8.GetString(line.ToArray()));
            leftover = buffer.ToArray();
            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
            return status != FrameStatus.TooLong;
        }

        foreach (var write in writes)
        {
            await pipe.Writer.WriteAsync(write);
            if (!await ReadAvailableAsync())
                return new Framed(lines, status, leftover, multiSegment);
        }
        if (complete)
        {
            await pipe.Writer.CompleteAsync();
            var result = await pipe.Reader.ReadAsync();
            Assert.True(result.IsCompleted);
            var buffer = result.Buffer;
            while ((status = LineFramer.TryReadLine(ref buffer, maxLineBytes, out var line)) == FrameStatus.Line)
                lines.Add(Encoding.UTF8.GetString(line.ToArray()));
            leftover = buffer.ToArray();
            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
        }
        return new Framed(lines, status, leftover, multiSegment);
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>The bytes in two writes cut at <paramref name="at"/>.</summary>
    private static byte[][] CutAt(byte[] bytes, int at) => [bytes[..at], bytes[at..]];

    private static byte[][] OneByteAtATime(byte[] bytes) => bytes.Select(b => new[] { b }).ToArray();

    [Fact]
    public async Task A_line_cut_at_every_position_comes_out_whole()
    {
        const string text = "{\"id\":1,\"type\":\"send\",\"room\":\"lobby\",\"text\":\"h\u00e9llo \U0001F600 \u4e16\u754c\"}";
        var bytes = Utf8(text + "\n");
        for (var at = 1; at < bytes.Length; at++)
        {
            var framed = await FrameAsync(CutAt(bytes, at), Default);
            Assert.Equal([text], framed.Lines);
            Assert.Equal(FrameStatus.NeedMore, framed.Last);
            Assert.Empty(framed.Leftover);
        }
    }

    [Fact]
    public async Task A_line_written_one_byte_at_a_time_comes_out_whole_across_segments()
    {
        const string text = "{\"id\":\"x\",\"type\":\"ping\",\"pad\":\"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\"}";
        var framed = await FrameAsync(OneByteAtATime(Utf8(text + "\n")), Default);
        Assert.Equal([text], framed.Lines);
        Assert.Empty(framed.Leftover);
        Assert.True(framed.SawMultiSegment, "the pipe should have handed the framer a multi-segment buffer");
    }

    [Fact]
    public async Task Lines_cut_at_every_pair_of_positions_come_out_whole_and_in_order()
    {
        var bytes = Utf8("{\"a\":1}\n{\"b\":\"\u00fc\"}\r\n{\"c\":3}\n");
        for (var first = 1; first < bytes.Length; first++)
        {
            for (var second = first + 1; second < bytes.Length; second++)
            {
                var framed = await FrameAsync([bytes[..first], bytes[first..second], bytes[second..]], Default);
                Assert.Equal(["{\"a\":1}", "{\"b\":\"\u00fc\"}", "{\"c\":3}"], framed.Lines);
                Assert.Empty(framed.Leftover);
            }
        }
    }

    [Fact]
    public async Task Several_lines_coalesced_in_one_write_come_out_one_by_one()
    {
        var framed = await FrameAsync([Utf8("{\"id\":1}\n{\"id\":2}\n\n{\"id\":3}\n")], Default);
        // The empty line is a line too; the transport skips it.
        Assert.Equal(["{\"id\":1}", "{\"id\":2}", "", "{\"id\":3}"], framed.Lines);
        Assert.Equal(FrameStatus.NeedMore, framed.Last);
        Assert.Empty(framed.Leftover);
    }

    [Fact]
    public async Task A_partial_line_waits_for_the_rest_of_it()
    {
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 1, useSynchronizationContext: false));
        await pipe.Writer.WriteAsync(Utf8("{\"id\":1}\n{\"id\""));
        var result = await pipe.Reader.ReadAsync();
        var buffer = result.Buffer;
        Assert.Equal(FrameStatus.Line, LineFramer.TryReadLine(ref buffer, Default, out var first));
        Assert.Equal("{\"id\":1}", Encoding.UTF8.GetString(first.ToArray()));
        Assert.Equal(FrameStatus.NeedMore, LineFramer.TryReadLine(ref buffer, Default, out _));
        Assert.Equal("{\"id\"", Encoding.UTF8.GetString(buffer.ToArray()));
        pipe.Reader.AdvanceTo(buffer.Start, buffer.End);

        await pipe.Writer.WriteAsync(Utf8(":2}\n"));
        result = await pipe.Reader.ReadAsync();
        buffer = result.Buffer;
        Assert.Equal(FrameStatus.Line, LineFramer.TryReadLine(ref buffer, Default, out var second));
        Assert.Equal("{\"id\":2}", Encoding.UTF8.GetString(second.ToArray()));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public async Task CRLF_endings_lose_the_CR_wherever_the_writes_are_cut()
    {
        var bytes = Utf8("{\"id\":1}\r\n{\"id\":2}\r\n");
        for (var at = 1; at < bytes.Length; at++)
        {
            var framed = await FrameAsync(CutAt(bytes, at), Default);
            Assert.Equal(["{\"id\":1}", "{\"id\":2}"], framed.Lines);
        }
        var byteWise = await FrameAsync(OneByteAtATime(bytes), Default);
        Assert.Equal(["{\"id\":1}", "{\"id\":2}"], byteWise.Lines);
    }

    [Fact]
    public async Task Only_one_CR_right_before_the_LF_is_dropped()
    {
        var framed = await FrameAsync([Utf8("a\rb\n\r\n\r\r\nc\r\n")], Default);
        Assert.Equal(["a\rb", "", "\r", "c"], framed.Lines);
    }

    [Fact]
    public async Task A_line_of_exactly_the_limit_is_a_line()
    {
        var framed = await FrameAsync([Utf8(new string('x', 16) + "\n")], 16);
        Assert.Equal([new string('x', 16)], framed.Lines);

        var full = await FrameAsync([Utf8(new string('y', Default) + "\n")], Default);
        Assert.Single(full.Lines);
        Assert.Equal(Default, full.Lines[0].Length);
    }

    [Fact]
    public async Task A_line_of_exactly_the_limit_ending_in_CRLF_is_a_line_wherever_the_writes_are_cut()
    {
        // The CR is not part of the line, so the line is exactly at the limit and must be accepted,
        // whether or not the LF has arrived by the time the framer looks.
        var line = new string('x', 16);
        var bytes = Utf8(line + "\r\n");
        for (var at = 1; at < bytes.Length; at++)
        {
            var framed = await FrameAsync(CutAt(bytes, at), 16);
            Assert.True(framed.Last != FrameStatus.TooLong, $"cut at {at}: a {line.Length}-byte line + CRLF was refused as too long");
            Assert.Equal([line], framed.Lines);
        }
    }

    [Fact]
    public async Task An_oversized_line_with_its_newline_is_too_long()
    {
        var framed = await FrameAsync([Utf8(new string('x', 17) + "\n{\"id\":2}\n")], 16);
        Assert.Empty(framed.Lines);
        Assert.Equal(FrameStatus.TooLong, framed.Last);

        var big = await FrameAsync([Utf8(new string('y', Default + 1) + "\n")], Default);
        Assert.Empty(big.Lines);
        Assert.Equal(FrameStatus.TooLong, big.Last);
    }

    [Fact]
    public async Task An_oversized_line_without_a_newline_is_too_long_as_soon_as_it_cannot_fit()
    {
        // At the limit with no newline yet: keep reading.
        var atLimit = await FrameAsync([Utf8(new string('x', 16))], 16, complete: false);
        Assert.Equal(FrameStatus.NeedMore, atLimit.Last);
        Assert.Equal(16, atLimit.Leftover.Length);

        // At the limit plus a CR: the LF may be next, and then the line is within the limit.
        var withCr = await FrameAsync([Utf8(new string('x', 16) + "\r")], 16, complete: false);
        Assert.Equal(FrameStatus.NeedMore, withCr.Last);

        // Two bytes over and no newline: no line end can save it; cut the peer off now, without
        // waiting for a newline that may never come.
        var over = await FrameAsync([Utf8(new string('x', 18))], 16, complete: false);
        Assert.Equal(FrameStatus.TooLong, over.Last);
        Assert.Empty(over.Lines);

        var big = await FrameAsync([Utf8(new string('y', Default + 2))], Default, complete: false);
        Assert.Equal(FrameStatus.TooLong, big.Last);

        // Once its newline comes, a line one byte over is refused even if it was buffered.
        var oneOver = await FrameAsync([Utf8(new string('x', 17)), Utf8("\n")], 16, complete: false);
        Assert.Equal(FrameStatus.TooLong, oneOver.Last);
        Assert.Empty(oneOver.Lines);
    }

    [Fact]
    public async Task An_oversized_line_is_too_long_wherever_the_writes_are_cut()
    {
        var bytes = Utf8(new string('x', 40) + "\n");
        for (var at = 1; at < bytes.Length; at++)
        {
            var framed = await FrameAsync(CutAt(bytes, at), 16);
            Assert.Empty(framed.Lines);
            Assert.Equal(FrameStatus.TooLong, framed.Last);
        }
        var byteWise = await FrameAsync(OneByteAtATime(bytes), 16);
        Assert.Equal(FrameStatus.TooLong, byteWise.Last);
        Assert.Empty(byteWise.Lines);
    }

    [Fact]
    public async Task Good_lines_before_an_oversized_one_still_come_out()
    {
        var framed = await FrameAsync([Utf8("{\"id\":1}\n" + new string('x', 30) + "\n")], 16);
        Assert.Equal(["{\"id\":1}"], framed.Lines);
        Assert.Equal(FrameStatus.TooLong, framed.Last);
    }

    [Fact]
    public async Task Input_cut_off_mid_line_is_left_in_the_buffer_not_made_a_line()
    {
        var framed = await FrameAsync([Utf8("{\"id\":1,\"type\":\"ping\"}\n{\"id\":2,\"ty")], Default);
        Assert.Equal(["{\"id\":1,\"type\":\"ping\"}"], framed.Lines);
        Assert.Equal(FrameStatus.NeedMore, framed.Last);
        Assert.Equal("{\"id\":2,\"ty", Encoding.UTF8.GetString(framed.Leftover));
    }

    [Fact]
    public async Task Input_cut_off_inside_a_multibyte_character_leaves_the_partial_bytes()
    {
        var bytes = Utf8("{\"text\":\"\U0001F600\"}\n");
        var cut = bytes[..(Array.IndexOf(bytes, (byte)0xF0) + 2)];
        var framed = await FrameAsync([cut], Default);
        Assert.Empty(framed.Lines);
        Assert.Equal(FrameStatus.NeedMore, framed.Last);
        Assert.Equal(cut, framed.Leftover);
    }

    [Fact]
    public void Empty_input_needs_more()
    {
        var buffer = ReadOnlySequence<byte>.Empty;
        Assert.Equal(FrameStatus.NeedMore, LineFramer.TryReadLine(ref buffer, 16, out var line));
        Assert.True(line.IsEmpty);
    }

    [Fact]
    public void Bytes_already_searched_are_not_searched_again_and_the_line_is_the_same()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"id\":1}\r\nrest");
        var whole = new ReadOnlySequence<byte>(bytes);
        // Pretend the first 5 bytes were searched on an earlier read (they hold no newline).
        Assert.Equal(FrameStatus.Line, LineFramer.TryReadLine(ref whole, 100, 5, out var line));
        Assert.Equal("{\"id\":1}", Encoding.UTF8.GetString(line.ToArray()));
        Assert.Equal("rest", Encoding.UTF8.GetString(whole.ToArray()));

        // A skip past the end is clamped, and an unterminated buffer stays NeedMore.
        var partial = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("abc"));
        Assert.Equal(FrameStatus.NeedMore, LineFramer.TryReadLine(ref partial, 100, 99, out _));
        Assert.Equal(3, partial.Length);
    }
}
