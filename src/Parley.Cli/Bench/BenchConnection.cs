using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Parley.Cli.Bench;

/// <summary>
/// One client connection of a bench run, with its account index, the room it is in and its role.
/// Set up with the allocation-friendly code in <c>BenchConnection.Setup.cs</c>, then read by the
/// allocation-free loop in <c>BenchConnection.Receive.cs</c>.
/// </summary>
public sealed partial class BenchConnection : IDisposable
{
    private readonly BenchRun _run;

    // Bytes read but not yet taken as whole frames (a partial line, or what came after a setup reply).
    private byte[] _carry = [];
    private int _carryLength;

    public BenchConnection(BenchRun run, Socket socket, int index, string room)
    {
        _run = run;
        Socket = socket;
        Index = index;
        Room = room;
    }

    /// <summary>The socket; replaced when the connection is resumed after a server restart (<c>BenchConnection.Resume.cs</c>).</summary>
    public Socket Socket { get; private set; }

    public BenchProto Proto => _run.Settings.Proto;

    /// <summary>The account number: the user is <c>bench{Index}</c> (or the prefix given).</summary>
    public int Index { get; }

    public string User => _run.Settings.UserPrefix + Index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Room { get; }

    /// <summary>Which of <see cref="BenchSettings.Servers"/> this connection is on (0 with one server).</summary>
    public int Server => _run.Settings.ServerOf(Index);

    /// <summary>Set for receivers: the sequence last seen from each sender it should hear, by slot (sender index minus <see cref="SenderBase"/>).</summary>
    public long[]? LastSeq { get; private set; }

    public int SenderBase { get; private set; }

    /// <summary>The slot of this connection's own sends (rooms over Redis hear themselves), or -1.</summary>
    public int SelfSlot { get; private set; } = -1;

    /// <summary>Replies counted by the receive loop: ok, error, or a Redis PUBLISH count.</summary>
    public long Acked;

    public long Errors;

    public bool Closed { get; private set; }

    /// <summary>bigroom --restart: the server is being restarted (closes and failed writes are expected).</summary>
    public bool Restarting => _run.Restarting;

    /// <summary>bigroom: a receiver present through every phase, at which losses are counted while other members come and go.</summary>
    public bool Observer { get; set; }

    // Set when this side closed the socket: what the receive loop sees next is not the server's doing.
    private volatile bool _disposed;

    /// <summary>With several servers: by slot, whether that sender is on another server than this connection (its deliveries cross nodes).</summary>
    private bool[]? _crossNode;

    // --tls: the TLS session over Socket; setup and the idle drain go through it.
    private SslStream? _tls;

    /// <summary>Makes this connection count deliveries from senders <paramref name="senderBase"/> .. + <paramref name="senders"/> - 1.</summary>
    public void ListenTo(int senderBase, int senders, int selfSlot = -1)
    {
        SenderBase = senderBase;
        LastSeq = new long[senders];
        SelfSlot = selfSlot;
        var settings = _run.Settings;
        _crossNode = settings.Servers.Count > 1
            ? Enumerable.Range(senderBase, senders).Select(sender => settings.ServerOf(sender) != Server).ToArray()
            : null;
    }

    private TaskCompletionSource? _ackWaiter;

    /// <summary>Completes once the receive loop has counted more replies, the connection closed, or <see cref="Wake"/> was called.</summary>
    public Task WaitForAcksAsync(long moreThan)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _ackWaiter, waiter);
        if (Volatile.Read(ref Acked) > moreThan || Closed)
            return Task.CompletedTask;
        return waiter.Task;
    }

    /// <summary>Lets a sender waiting for replies look at the clock again.</summary>
    public void Wake() => SignalAcks();

    private void SignalAcks() => Interlocked.Exchange(ref _ackWaiter, null)?.TrySetResult();

    private void Fail(string reason)
    {
        Interlocked.Increment(ref Errors);
        _run.NoteError($"{User}: {reason}");
    }

    public void Dispose()
    {
        _disposed = true;
        Closed = true;
        _tls?.Dispose();
        Socket.Dispose();
    }

    private static string Describe(ReadOnlySpan<byte> frame) => Encoding.UTF8.GetString(frame[..Math.Min(frame.Length, 300)]);
}
