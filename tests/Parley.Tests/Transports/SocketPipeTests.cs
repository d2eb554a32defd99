using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Parley.Server.Transports.Sockets;
using Parley.Tests.Support;

namespace Parley.Tests.Transports;

/// <summary>
/// The line transports' socket pipes over a real loopback connection: what a peer writes in any
/// chunks comes out whole and in order, long lines grow the buffer, an idle reader holds no
/// buffer, and a writer whose peer stops reading waits, then finishes once the peer reads.
/// </summary>
public sealed class SocketPipeTests : IAsyncLifetime
{
    private Socket _server = null!;
    private Socket _peer = null!;

    public async Task InitializeAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accepting = listener.AcceptAsync();
        await _peer.ConnectAsync(listener.LocalEndPoint!);
        _server = await accepting;
        _server.Blocking = false;
    }

    public Task DisposeAsync()
    {
        _server.Dispose();
        _peer.Dispose();
        return Task.CompletedTask;
    }

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private Task SendFromPeerAsync(string text) => _peer.SendAsync(Encoding.UTF8.GetBytes(text), SocketFlags.None);

    /// <summary>Reads until the unconsumed input holds a '\n', consuming nothing; returns it all as text.</summary>
    private static async Task<(string Text, SequencePosition End)> ReadUntilNewlineAsync(SocketPipeReader reader)
    {
        var (text, _, end) = await ReadUntilAsync(reader, text => text.Contains('\n'));
        return (text, end);
    }

    /// <summary>Reads until the unconsumed input, as text, satisfies <paramref name="enough"/> (or ends), consuming nothing.</summary>
    private static async Task<(string Text, SequencePosition Start, SequencePosition End)> ReadUntilAsync(SocketPipeReader reader, Func<string, bool> enough)
    {
        while (true)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(Timeout);
            var text = Encoding.UTF8.GetString(result.Buffer.ToArray());
            if (enough(text) || result.IsCompleted)
                return (text, result.Buffer.Start, result.Buffer.End);
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>
    /// Pins both socket buffers small (Linux then stops growing them), so that what the writer can
    /// have in flight while the peer reads nothing has a known bound; returns that bound, with
    /// room to spare for the kernel's bookkeeping.
    /// </summary>
    private int PinSocketBuffers()
    {
        _server.SendBufferSize = 64 * 1024;
        _peer.ReceiveBufferSize = 64 * 1024;
        // Linux reports (and allows) twice what was asked; count each twice again.
        return 2 * (_server.SendBufferSize + _peer.ReceiveBufferSize);
    }

    [Fact]
    public async Task A_line_sent_in_pieces_is_read_whole_and_the_reader_then_holds_no_buffer()
    {
        var reader = new SocketPipeReader(_server, direct: OperatingSystem.IsLinux());
        var reading = ReadUntilAsync(reader, text => text.EndsWith(':'));
        await SendFromPeerAsync("{\"type\":");
        // The first piece is read on its own, and left unconsumed, before the rest is sent.
        var (piece, start, pieceEnd) = await reading;
        Assert.Equal("{\"type\":", piece);
        reader.AdvanceTo(start, pieceEnd);
        await SendFromPeerAsync("\"ping\"}\n");
        var (text, end) = await ReadUntilNewlineAsync(reader);
        Assert.Equal("{\"type\":\"ping\"}\n", text);
        reader.AdvanceTo(end);

        var waiting = reader.ReadAsync().AsTask();
        await Until.TrueAsync(() => !reader.HoldsBuffer, "the idle reader gives its buffer back");
        Assert.False(waiting.IsCompleted);
        await SendFromPeerAsync("next\n");
        var next = await waiting.WaitAsync(Timeout);
        Assert.Equal("next\n", Encoding.UTF8.GetString(next.Buffer.ToArray()));
        Assert.True(reader.HoldsBuffer);
    }

    [Fact]
    public async Task A_line_longer_than_a_receive_buffer_arrives_in_one_contiguous_piece()
    {
        var reader = new SocketPipeReader(_server, direct: OperatingSystem.IsLinux());
        var line = new string('x', 50_000) + "\n";
        var reading = ReadUntilNewlineAsync(reader);
        await SendFromPeerAsync(line);
        var (text, _) = await reading;
        Assert.Equal(line, text);
    }

    [Fact]
    public async Task Data_partly_consumed_stays_in_front_of_what_comes_next()
    {
        var reader = new SocketPipeReader(_server, direct: OperatingSystem.IsLinux());
        await SendFromPeerAsync("one\ntw");
        var (text, _) = await ReadUntilNewlineAsync(reader);
        Assert.StartsWith("one\n", text);
        var result = await reader.ReadAsync();
        var afterFirst = result.Buffer.GetPosition(4);
        reader.AdvanceTo(afterFirst, result.Buffer.End);
        await SendFromPeerAsync("o\n");
        var (rest, _) = await ReadUntilNewlineAsync(reader);
        Assert.Equal("two\n", rest);
    }

    [Fact]
    public async Task The_peer_closing_completes_the_read_with_what_it_sent_last()
    {
        var reader = new SocketPipeReader(_server, direct: OperatingSystem.IsLinux());
        await SendFromPeerAsync("last words");
        _peer.Shutdown(SocketShutdown.Send);
        ReadResult result;
        do
        {
            result = await reader.ReadAsync().AsTask().WaitAsync(Timeout);
            if (!result.IsCompleted)
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
        while (!result.IsCompleted);
        Assert.Equal("last words", Encoding.UTF8.GetString(result.Buffer.ToArray()));
    }

    [Fact]
    public async Task Cancelling_wakes_a_read_that_waits_for_data()
    {
        var reader = new SocketPipeReader(_server, direct: OperatingSystem.IsLinux());
        var waiting = reader.ReadAsync().AsTask();
        // Gives its buffer back just before it waits (no data has been sent, so it must wait).
        await Until.TrueAsync(() => !reader.HoldsBuffer, "the read waits with no buffer");
        Assert.False(waiting.IsCompleted);
        reader.CancelPendingRead();
        var result = await waiting.WaitAsync(Timeout);
        Assert.True(result.IsCanceled);
    }

    [Fact]
    public async Task A_flush_the_peer_cannot_take_waits_and_everything_arrives_in_order()
    {
        var inFlight = PinSocketBuffers();
        var writer = new SocketPipeWriter(_server, direct: OperatingSystem.IsLinux());
        // Far more than the pinned socket buffers hold while the peer reads nothing.
        var frames = Enumerable.Range(0, 4000).Select(i => Encoding.UTF8.GetBytes($"frame {i:D6} {new string('.', 1000)}\n")).ToList();
        var expected = frames.SelectMany(f => f).ToArray();
        Assert.True(expected.Length > 4 * inFlight);
        foreach (var frame in frames)
            writer.Write(frame);
        var flushing = writer.FlushAsync().AsTask();
        Assert.False(flushing.IsCompleted);

        // The flush can finish only once the peer has read all but what the buffers hold: until
        // then it must still be waiting, however slowly this runs.
        var received = new byte[expected.Length];
        var total = 0;
        while (total < received.Length)
        {
            total += await _peer.ReceiveAsync(received.AsMemory(total), SocketFlags.None).AsTask().WaitAsync(Timeout);
            if (total < expected.Length - inFlight)
                Assert.False(flushing.IsCompleted, $"the flush finished when the peer had read {total} of {expected.Length} bytes");
        }
        await flushing.WaitAsync(Timeout);
        Assert.Equal(expected, received);

        writer.Write("after\n"u8);
        await writer.FlushAsync();
        writer.Complete();
        var tail = new byte[64];
        var count = await _peer.ReceiveAsync(tail, SocketFlags.None).WaitAsync(Timeout);
        Assert.Equal("after\n", Encoding.UTF8.GetString(tail, 0, count));
        Assert.Equal(0, await _peer.ReceiveAsync(tail, SocketFlags.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_stuck_flush_ends_when_its_token_is_cancelled()
    {
        var inFlight = PinSocketBuffers();
        var writer = new SocketPipeWriter(_server, direct: OperatingSystem.IsLinux());
        var data = new byte[8 * 1024 * 1024];
        Assert.True(data.Length > 4 * inFlight);
        writer.Write(data);
        using var cancel = new CancellationTokenSource();
        // The peer never reads, so this flush cannot finish; only the token ends it.
        var flushing = writer.FlushAsync(cancel.Token).AsTask();
        Assert.False(flushing.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => flushing.WaitAsync(Timeout));
    }
}
