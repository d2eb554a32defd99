using System.Diagnostics;
using System.Net.Sockets;

namespace Parley.Cli.Bench;

/// <summary>
/// The receive loop: a zero-byte read waits until the socket is readable without holding a
/// buffer, then one read takes everything there into the thread's 256 KiB buffer, and the frames
/// in it are handled in place. Per delivery: one search for the marker, three number parses, a few
/// counter updates; no allocation, no string, no task.
/// </summary>
public sealed partial class BenchConnection
{
    private const int BufferSize = 256 * 1024;

    [ThreadStatic]
    private static byte[]? t_buffer;

    private static readonly double MicrosPerTick = 1_000_000.0 / Stopwatch.Frequency;

    // A line longer than the buffer is dropped up to its end.
    private bool _skipping;

    public async Task ReceiveLoopAsync(CancellationToken stop)
    {
        // Non-blocking, so the synchronous read after the wait can never hold a thread.
        Socket.Blocking = false;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, stop).ConfigureAwait(false);
                var buffer = t_buffer ??= GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
                while (true)
                {
                    var kept = _carryLength;
                    if (kept > 0)
                        _carry.AsSpan(0, kept).CopyTo(buffer);
                    var read = Socket.Receive(buffer, kept, buffer.Length - kept, SocketFlags.None, out var error);
                    if (error == SocketError.WouldBlock)
                        break;
                    if (error != SocketError.Success)
                        throw new SocketException((int)error);
                    if (read == 0)
                    {
                        Closed = true;
                        if (!stop.IsCancellationRequested && !_run.Stopping && !_disposed && !_run.Restarting)
                            Fail("the server closed the connection");
                        return;
                    }
                    var now = Stopwatch.GetTimestamp();
                    var data = buffer.AsSpan(0, kept + read);
                    var consumed = Proto == BenchProto.Ws ? HandleWsFrames(data, now) : HandleLines(data, now);
                    Keep(data[consumed..]);
                    // A full buffer means more is probably waiting; otherwise go back to waiting without a buffer.
                    if (kept + read < buffer.Length || Socket.Available == 0)
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Closed = true;
            if (!stop.IsCancellationRequested && !_run.Stopping && !_disposed && !_run.Restarting)
                Fail($"receive failed: {ex.Message}");
        }
        finally
        {
            SignalAcks();
        }
    }

    private void Keep(ReadOnlySpan<byte> rest)
    {
        if (rest.Length > BufferSize / 2)
        {
            // One frame bigger than half the buffer: no bench frame is; drop it.
            if (Proto == BenchProto.Ws)
            {
                Fail("a WebSocket frame larger than 128 KiB");
                Socket.Dispose();
            }
            _skipping = true;
            _carryLength = 0;
            return;
        }
        if (rest.Length > _carry.Length)
            _carry = new byte[Math.Max(rest.Length, 4096)];
        rest.CopyTo(_carry);
        _carryLength = rest.Length;
    }

    private int HandleLines(ReadOnlySpan<byte> data, long now)
    {
        var phase = _run.CurrentPhase;
        var stats = phase?.Local;
        var acked = 0;
        var at = 0;
        while (true)
        {
            var end = data[at..].IndexOf((byte)'\n');
            if (end < 0)
                break;
            var line = data.Slice(at, end);
            at += end + 1;
            if (_skipping)
            {
                _skipping = false;
                continue;
            }
            if (line.Length > 0 && line[^1] == '\r')
                line = line[..^1];
            if (line.IsEmpty)
                continue;
            switch (Proto)
            {
                case BenchProto.Native:
                    acked += HandleJson(line, now, phase, stats);
                    break;
                case BenchProto.Irc:
                    acked += HandleIrc(line, now, phase, stats);
                    break;
                default:
                    acked += HandleResp(line, now, phase, stats);
                    break;
            }
        }
        if (acked > 0)
        {
            Interlocked.Add(ref Acked, acked);
            SignalAcks();
        }
        return at;
    }

    private int HandleWsFrames(ReadOnlySpan<byte> data, long now)
    {
        var phase = _run.CurrentPhase;
        var stats = phase?.Local;
        var acked = 0;
        var at = 0;
        while (WsFrames.TryRead(data[at..], out var opcode, out var header, out var length))
        {
            var payload = data.Slice(at + header, (int)length);
            at += header + (int)length;
            switch (opcode)
            {
                case WsFrames.Ping:
                    SendControl(WsFrames.Pong, payload);
                    break;
                case WsFrames.Close:
                    Closed = true;
                    if (!_run.Stopping)
                        Fail("the server closed the WebSocket");
                    break;
                case WsFrames.Pong:
                    break;
                default:
                    acked += HandleJson(payload, now, phase, stats);
                    break;
            }
        }
        if (acked > 0)
        {
            Interlocked.Add(ref Acked, acked);
            SignalAcks();
        }
        return at;
    }

    /// <summary>A native reply counts as an ack (an error one as an error too); a message event may be a delivery.</summary>
    private int HandleJson(ReadOnlySpan<byte> frame, long now, Phase? phase, ReceiveStats? stats)
    {
        if (frame.StartsWith("{\"re\":"u8))
        {
            if (frame.IndexOf("\"type\":\"ok\""u8) < 0)
                Fail(Describe(frame));
            return 1;
        }
        if (LastSeq is not null && stats is not null)
            Deliver(frame, now, phase!, stats);
        else if (frame.StartsWith("{\"type\":\"bye\""u8) && !_run.Restarting)
            Fail(Describe(frame));
        return 0;
    }

    private int HandleIrc(ReadOnlySpan<byte> line, long now, Phase? phase, ReceiveStats? stats)
    {
        if (line.StartsWith("PING"u8))
        {
            var pong = line.ToArray();
            pong[1] = (byte)'O';
            SendRaw([.. pong, (byte)'\r', (byte)'\n']);
            return 0;
        }
        var command = IrcCommand(line);
        if (command.SequenceEqual("PRIVMSG"u8) || command.SequenceEqual("NOTICE"u8))
        {
            if (LastSeq is not null && stats is not null)
                Deliver(line, now, phase!, stats);
            return 0;
        }
        if (command.SequenceEqual("PONG"u8))
        {
            // The answer to the PING after a batch: ":server PONG server :bk64".
            var token = line.LastIndexOf("bk"u8);
            return token >= 0 && System.Buffers.Text.Utf8Parser.TryParse(line[(token + 2)..], out int count, out _) ? count : 0;
        }
        // 4xx/5xx are errors; 263 is "try again" (a rate limit); ERROR comes before a close.
        if (command.Length == 3 && (command[0] is (byte)'4' or (byte)'5' || command.SequenceEqual("263"u8)) || command.SequenceEqual("ERROR"u8))
            Fail(Describe(line));
        return 0;
    }

    /// <summary>The command or numeric of an IRC line, after its tags and source.</summary>
    public static ReadOnlySpan<byte> IrcCommand(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[0] == '@')
        {
            var space = line.IndexOf((byte)' ');
            line = space < 0 ? [] : line[(space + 1)..];
        }
        if (line.Length > 0 && line[0] == ':')
        {
            var space = line.IndexOf((byte)' ');
            line = space < 0 ? [] : line[(space + 1)..];
        }
        var end = line.IndexOf((byte)' ');
        return end < 0 ? line : line[..end];
    }

    /// <summary>RESP lines: <c>:n</c> answers a PUBLISH, <c>-ERR</c> is an error; a message's payload line holds the marker.</summary>
    private int HandleResp(ReadOnlySpan<byte> line, long now, Phase? phase, ReceiveStats? stats)
    {
        switch (line[0])
        {
            case (byte)':':
                return 1;
            case (byte)'-':
                Fail(Describe(line));
                return 1;
            case (byte)'%':
                if (LastSeq is not null && stats is not null)
                    Deliver(line, now, phase!, stats);
                return 0;
            default:
                return 0;
        }
    }

    private void Deliver(ReadOnlySpan<byte> frame, long now, Phase phase, ReceiveStats stats)
    {
        if (!Payload.TryRead(frame, out var sender, out var seq, out var ticks))
            return;
        // Observers also follow the room's seq (native, ws): for the order check and to catch up after a restart.
        var roomSeq = Observer && Proto is BenchProto.Native or BenchProto.Ws ? RoomSeqOf(frame) : 0;
        Count(sender, seq, ticks, roomSeq, now, phase, stats);
    }

    /// <summary>
    /// Counts one delivery of message <paramref name="seq"/> from <paramref name="sender"/>, live or
    /// caught up from history; <paramref name="roomSeq"/> is its seq in the room (0: unknown).
    /// </summary>
    private void Count(int sender, long seq, long ticks, long roomSeq, long now, Phase phase, ReceiveStats stats)
    {
        var slot = sender - SenderBase;
        var lastSeq = LastSeq!;
        if ((uint)slot >= (uint)lastSeq.Length)
        {
            stats.Unexpected++;
            return;
        }
        if (slot == SelfSlot)
            return;
        if (roomSeq > 0)
        {
            // A live event for a message this observer already took from history (the history
            // reply may overtake the event): a client keeps one copy per seq.
            if (roomSeq <= CaughtUpTo)
                return;
            if (roomSeq <= LastRoomSeq)
                stats.ObservedOutOfOrder++;
            else
                LastRoomSeq = roomSeq;
        }
        stats.Deliveries++;
        var last = lastSeq[slot];
        if (seq <= last)
        {
            stats.Duplicates++;
            if (Observer)
                stats.ObservedDuplicates++;
            return;
        }
        if (seq != last + 1)
        {
            stats.Gaps++;
            if (Observer)
                stats.ObservedSkipped += seq - last - 1;
        }
        lastSeq[slot] = seq;
        if (now >= phase.WindowStart && now < phase.WindowEnd)
            stats.ReceivedInWindow++;
        if (phase.InWindow(ticks))
        {
            stats.UniqueOfWindow++;
            if (Observer)
                stats.ObservedUniqueOfWindow++;
            var micros = (long)((now - ticks) * MicrosPerTick);
            stats.Latency.Record(micros);
            if (_crossNode is { } cross && cross[slot])
                stats.CrossNodeLatency.Record(micros);
        }
    }

    /// <summary>The <c>seq</c> of a native message event, or 0.</summary>
    private static long RoomSeqOf(ReadOnlySpan<byte> frame)
    {
        var at = frame.IndexOf("\"seq\":"u8);
        return at >= 0 && System.Buffers.Text.Utf8Parser.TryParse(frame[(at + 6)..], out long seq, out _) ? seq : 0;
    }

    private void SendControl(byte opcode, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[WsFrames.ClientHeaderLength(payload.Length) + payload.Length];
        var header = WsFrames.WriteClientHeader(frame, opcode, payload.Length);
        payload.CopyTo(frame.AsSpan(header));
        SendRaw(frame);
    }

    /// <summary>A rare small write from the receive loop (PONG): synchronous, between the sender's writes.</summary>
    private void SendRaw(byte[] bytes)
    {
        try
        {
            Socket.Send(bytes);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Fail($"send failed: {ex.Message}");
        }
    }
}
