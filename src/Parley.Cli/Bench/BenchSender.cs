using System.Buffers.Text;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Parley.Cli.Bench;

/// <summary>
/// One sender: writes batches of messages into one reusable buffer and sends each batch with one
/// socket write. Each message carries this sender's number, its next sequence number and the
/// batch's send time. Replies are counted by the connection's receive loop (<see cref="BenchConnection.Acked"/>).
/// </summary>
public sealed class BenchSender
{
    public const int MaxBatch = 64;

    // The send time of each recent seq, for a message sent again after a restart (it keeps its first time).
    private const int TicksKept = 4096;
    private readonly long[] _ticks = new long[TicksKept];

    private readonly byte[] _prefix;
    private readonly byte[] _suffix;
    private readonly byte[] _text;
    private readonly byte[] _buffer;
    private readonly int _size;

    public BenchSender(BenchConnection connection, int number, int size)
    {
        Connection = connection;
        Number = number;
        _size = size;
        var room = connection.Room;
        (_prefix, _suffix) = connection.Proto switch
        {
            BenchProto.Native => (Encoding.UTF8.GetBytes($"{{\"type\":\"send\",\"room\":\"{room}\",\"text\":\""), "\"}\n"u8.ToArray()),
            BenchProto.Ws => (Encoding.UTF8.GetBytes($"{{\"type\":\"send\",\"room\":\"{room}\",\"text\":\""), "\"}"u8.ToArray()),
            BenchProto.Irc => (Encoding.UTF8.GetBytes($"PRIVMSG #{room} :"), "\r\n"u8.ToArray()),
            _ => (Encoding.UTF8.GetBytes($"*3\r\n$7\r\nPUBLISH\r\n${Encoding.UTF8.GetByteCount(room)}\r\n{room}\r\n$"), "\r\n"u8.ToArray()),
        };
        _text = new byte[Payload.MaxLength(size)];
        var most = WsFrames.MaxClientHeader + _prefix.Length + 12 + _text.Length + _suffix.Length;
        _buffer = GC.AllocateUninitializedArray<byte>(most * MaxBatch + 32, pinned: true);
    }

    public BenchConnection Connection { get; }

    /// <summary>The sender index carried in each message.</summary>
    public int Number { get; }

    /// <summary>The last sequence number used; the first message is 1.</summary>
    public long Seq { get; private set; }

    /// <summary>Messages written to the socket, over the whole run.</summary>
    public long Sent { get; private set; }

    /// <summary>Messages of the current phase, and those stamped inside its window.</summary>
    public long PhaseSent { get; private set; }

    public long WindowSent { get; private set; }

    /// <summary>A send still in flight (paced mode does not wait for it).</summary>
    public Task? Pending { get; set; }

    public void StartPhase()
    {
        PhaseSent = 0;
        WindowSent = 0;
    }

    /// <summary>Messages this sender may still send before it must wait for replies.</summary>
    public long Room(int window) => window - (Sent - Volatile.Read(ref Connection.Acked));

    /// <summary>Writes <paramref name="count"/> messages stamped now; returns the bytes to send.</summary>
    public ReadOnlyMemory<byte> Build(int count, Phase phase)
    {
        var ticks = Stopwatch.GetTimestamp();
        var at = 0;
        var buffer = _buffer.AsSpan();
        for (var i = 0; i < count; i++)
        {
            var text = Payload.Write(_text, Number, ++Seq, ticks, _size);
            _ticks[Seq % TicksKept] = ticks;
            switch (Connection.Proto)
            {
                case BenchProto.Ws:
                    var length = _prefix.Length + text + _suffix.Length;
                    at += WsFrames.WriteClientHeader(buffer[at..], WsFrames.Text, length);
                    break;
                case BenchProto.Redis:
                    _prefix.CopyTo(buffer[at..]);
                    at += _prefix.Length;
                    Utf8Formatter.TryFormat(text, buffer[at..], out var n);
                    at += n;
                    buffer[at++] = (byte)'\r';
                    buffer[at++] = (byte)'\n';
                    _text.AsSpan(0, text).CopyTo(buffer[at..]);
                    at += text;
                    _suffix.CopyTo(buffer[at..]);
                    at += _suffix.Length;
                    continue;
            }
            _prefix.CopyTo(buffer[at..]);
            at += _prefix.Length;
            _text.AsSpan(0, text).CopyTo(buffer[at..]);
            at += text;
            _suffix.CopyTo(buffer[at..]);
            at += _suffix.Length;
        }
        if (Connection.Proto == BenchProto.Irc)
        {
            // IRC answers no PRIVMSG: a PING after each batch comes back as a PONG once the server
            // has read the batch, and its token says how many messages that acknowledges.
            "PING :bk"u8.CopyTo(buffer[at..]);
            at += 8;
            Utf8Formatter.TryFormat(count, buffer[at..], out var digits);
            at += digits;
            buffer[at++] = (byte)'\r';
            buffer[at++] = (byte)'\n';
        }
        Sent += count;
        PhaseSent += count;
        if (phase.InWindow(ticks))
            WindowSent += count;
        return _buffer.AsMemory(0, at);
    }

    /// <summary>
    /// Native: the messages <paramref name="from"/>..<paramref name="to"/> again, with the numbers and
    /// send times they had (after a server restart, for those the server never answered nor
    /// stored). Counts as no new message.
    /// </summary>
    public byte[] Rebuild(long from, long to)
    {
        using var bytes = new MemoryStream();
        for (var seq = from; seq <= to; seq++)
        {
            var ticks = Seq - seq < TicksKept ? _ticks[seq % TicksKept] : Stopwatch.GetTimestamp();
            var text = Payload.Write(_text, Number, seq, ticks, _size);
            bytes.Write(_prefix);
            bytes.Write(_text, 0, text);
            bytes.Write(_suffix);
        }
        return bytes.ToArray();
    }

    /// <summary>Sends without waiting when the socket takes it at once (the usual case); otherwise keeps the task in <see cref="Pending"/>.</summary>
    public void SendWithoutWaiting(ReadOnlyMemory<byte> bytes)
    {
        var sending = Connection.SendAllAsync(bytes, CancellationToken.None);
        if (sending.IsCompleted)
        {
            Observe(sending);
            Pending = null;
        }
        else
        {
            Pending = sending.ContinueWith(Observe, TaskScheduler.Default);
        }
    }

    private void Observe(Task sending)
    {
        // While the server restarts a write may meet a closed socket: that message is unanswered and is sent again after resuming.
        if (sending.Exception is { } ex && !Connection.Restarting)
        {
            Interlocked.Increment(ref Connection.Errors);
            _ = ex;
        }
    }

    public static bool IsSocketError(Exception ex) => ex is SocketException or ObjectDisposedException or IOException;
}
