using Parley.Cli.Bench;

namespace Parley.Tests.Bench;

/// <summary>The bench's byte-level pieces: the message text it writes and finds again, the latency histogram, IRC and WebSocket framing.</summary>
public sealed class BenchCodecTests
{
    [Fact]
    public void Payload_is_padded_to_the_size_and_read_back_from_inside_a_frame()
    {
        var text = new byte[Payload.MaxLength(100)];
        var length = Payload.Write(text, 12, 345, 6789012345, 100);
        Assert.Equal(100, length);
        Assert.DoesNotContain((byte)'"', text[..length]);
        Assert.DoesNotContain((byte)' ', text[..length]);
        var frame = System.Text.Encoding.UTF8.GetBytes("{\"type\":\"message\",\"from\":\"bench12\",\"text\":\"")
            .Concat(text[..length]).Concat("\"}"u8.ToArray()).ToArray();
        Assert.True(Payload.TryRead(frame, out var sender, out var seq, out var ticks));
        Assert.Equal((12, 345L, 6789012345L), (sender, seq, ticks));
        Assert.False(Payload.TryRead("{\"type\":\"presence\"}"u8, out _, out _, out _));
    }

    [Fact]
    public void Histogram_percentiles_are_within_its_precision()
    {
        var histogram = new LatencyHistogram();
        for (var v = 1; v <= 100_000; v++)
            histogram.Record(v);
        Assert.Equal(100_000, histogram.Count);
        Assert.Equal(100_000, histogram.Max);
        Assert.InRange(histogram.ValueAt(50), 49_000, 51_600);
        Assert.InRange(histogram.ValueAt(99), 98_000, 100_000);
        var other = new LatencyHistogram();
        other.Record(5_000_000);
        histogram.Add(other);
        Assert.Equal(5_000_000, histogram.ValueAt(100));
    }

    [Fact]
    public void Irc_command_is_found_after_tags_and_source()
    {
        Assert.Equal("PRIVMSG"u8.ToArray(), BenchConnection.IrcCommand("@time=x :a!a@h PRIVMSG #r :hi"u8).ToArray());
        Assert.Equal("404"u8.ToArray(), BenchConnection.IrcCommand(":srv 404 n #r :Cannot send"u8).ToArray());
        Assert.Equal("PING"u8.ToArray(), BenchConnection.IrcCommand("PING :x"u8).ToArray());
    }

    [Fact]
    public void WebSocket_frames_round_trip_and_partial_frames_wait()
    {
        var frame = new byte[300];
        var header = WsFrames.WriteClientHeader(frame, WsFrames.Text, 200);
        Assert.Equal(8, header);
        // A server frame is the same without the mask: 0x81, 126, length.
        byte[] server = [0x81, 126, 0, 200, .. new byte[200]];
        Assert.True(WsFrames.TryRead(server, out var opcode, out var headerLength, out var length));
        Assert.Equal((WsFrames.Text, 4, 200L), (opcode, headerLength, length));
        Assert.False(WsFrames.TryRead(server.AsSpan(0, 100), out _, out _, out _));
    }
}
