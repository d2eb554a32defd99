using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Parley.Server.Hosting;

namespace Parley.Server.Transports.Sockets;

/// <summary>
/// Tells idle connections when input arrives, with one epoll instance and one thread for all of
/// them (as the runtime's own socket engine does), so that a connection waiting for input holds
/// no pending receive, no socket event args and no suspended state machines: 10,000 idle
/// connections then cost what their sessions and sockets cost and nothing more. A
/// connection is added once, edge-triggered: an event means input arrived (or the input ended)
/// since the last one, and the connection runs its reader, or has it read again if it is running
/// (<see cref="IReadinessTarget.InputReady"/>). Re-arming a one-shot watch after every read was a
/// system call per read.
///
/// While input keeps coming, the thread pool polls instead of the thread: once the thread has
/// woken readers, it hands polling to a work item that polls without waiting, wakes what is
/// ready and queues itself behind the readers it woke, and parks until a poll finds nothing.
/// A thread woken by every event would preempt the readers it just woke (thousands of times a
/// second, on a busy core), and each wake-up would find only the few connections that became
/// ready since the last one.
/// </summary>
public sealed class EpollReadiness : IDisposable, IThreadPoolWorkItem
{
    private const ulong WakeKey = ulong.MaxValue;
    private const int EventsPerWait = 256;

    /// <summary>epoll_wait: the count of events, or -1 with the errno in <paramref name="error"/>.</summary>
    internal delegate int WaitForEvents(SafeFileHandle epoll, byte[] events, int timeoutMs, out int error);

    private readonly ILogger _logger;
    private readonly Action<string> _stopServer;
    private readonly WaitForEvents _wait;
    private readonly SafeFileHandle _epoll;
    private readonly SafeFileHandle _wake;
    private readonly Thread _thread;
    // Set while the epoll thread does the polling, reset while the thread pool does.
    private readonly ManualResetEventSlim _polledByThread = new(initialState: true, spinCount: 1);
    private readonly byte[] _pollEvents = new byte[EventsPerWait * Epoll.EventBytes];
    private readonly Lock _gate = new();
    // Watched connections by slot; a key is the slot and its generation, so an event that arrives
    // for a connection already gone cannot wake the next one given the same slot.
    private IReadinessTarget?[] _slots = new IReadinessTarget?[64];
    private uint[] _generations = new uint[64];
    private readonly Stack<int> _freeSlots = new();
    private int _usedSlots;
    private volatile bool _disposed;

    public EpollReadiness(ILogger<EpollReadiness> logger, ServerFault fault)
        : this(logger, fault.StopServer)
    {
    }

    /// <param name="stopServer">Called once if epoll fails: no connection would be told of input again.</param>
    /// <param name="wait">epoll_wait itself, unless a test stands in for it.</param>
    internal EpollReadiness(ILogger logger, Action<string> stopServer, WaitForEvents? wait = null)
    {
        _logger = logger;
        _stopServer = stopServer;
        _wait = wait ?? Epoll.Wait;
        _epoll = Epoll.Create();
        _wake = Epoll.CreateEventFd();
        if (!Epoll.Control(_epoll, Epoll.CtlAdd, _wake, Epoll.In, WakeKey))
            throw new InvalidOperationException("could not watch the wake-up descriptor");
        _thread = new Thread(Run) { IsBackground = true, Name = "parley-epoll" };
        _thread.Start();
    }

    /// <summary>Whether the epoll thread polls (waits in epoll_wait) rather than the thread pool.</summary>
    internal bool PolledByThread => _polledByThread.IsSet;

    /// <summary>Gives the connection a key for <see cref="Add"/>; <see cref="Forget"/> it once its socket is closed.</summary>
    internal ulong Watch(IReadinessTarget connection)
    {
        lock (_gate)
        {
            if (!_freeSlots.TryPop(out var slot))
            {
                if (_usedSlots == _slots.Length)
                {
                    Array.Resize(ref _slots, _slots.Length * 2);
                    Array.Resize(ref _generations, _generations.Length * 2);
                }
                slot = _usedSlots++;
            }
            _slots[slot] = connection;
            return (ulong)_generations[slot] << 32 | (uint)slot;
        }
    }

    /// <summary>
    /// From now on, calls <see cref="IReadinessTarget.InputReady"/> whenever input arrives on the
    /// socket or it ends (and at once if it has input already). False if the socket or this engine
    /// is already closed: no call will come.
    /// </summary>
    internal bool Add(SafeSocketHandle socket, ulong key)
    {
        if (_disposed)
            return false;
        return Epoll.Control(_epoll, Epoll.CtlAdd, socket, Epoll.In | Epoll.ReadHangUp | Epoll.EdgeTriggered, key);
    }

    /// <summary>Frees the connection's slot. Its socket is closed, which took it out of the epoll set.</summary>
    internal void Forget(ulong key)
    {
        var slot = (int)(uint)key;
        lock (_gate)
        {
            if (_generations[slot] != (uint)(key >> 32))
                return;
            _slots[slot] = null;
            _generations[slot]++;
            _freeSlots.Push(slot);
        }
    }

    private void Run()
    {
        var events = new byte[EventsPerWait * Epoll.EventBytes];
        try
        {
            while (!_disposed)
            {
                var count = _wait(_epoll, events, timeoutMs: -1, out var error);
                if (count < 0 && error == Libc.Interrupted)
                    continue;
                if (count < 0)
                {
                    // Dispose closes the descriptor only after this thread has ended, so an error here
                    // is never the way out at dispose.
                    if (!_disposed)
                        Fail($"epoll_wait failed (errno {error}): idle connections can no longer be told of input", null);
                    return;
                }
                if (WakeReady(events, count) == 0)
                    continue;
                _polledByThread.Reset();
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                _polledByThread.Wait();
            }
        }
        catch (Exception ex) when (!_disposed)
        {
            Fail("the epoll thread failed: idle connections can no longer be told of input", ex);
        }
    }

    // Going on would leave every idle connection hanging unnoticed: stop, so a supervisor restarts the server.
    private void Fail(string reason, Exception? exception)
    {
        Log.EpollFailed(_logger, reason, exception);
        _stopServer(reason);
    }

    /// <summary>The thread pool's turn: poll once; queue the next poll behind the readers woken, or give polling back to the thread.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        int count;
        try
        {
            count = _disposed ? 0 : _wait(_epoll, _pollEvents, timeoutMs: 0, out _);
        }
        catch (ObjectDisposedException)
        {
            count = 0;
        }
        // An error is the thread's to report: its wait meets it again.
        if (count > 0 && WakeReady(_pollEvents, count) > 0)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        else
            _polledByThread.Set();
    }

    /// <summary>Runs the reader of every connection with an event; how many there were.</summary>
    private int WakeReady(byte[] events, int count)
    {
        var woken = 0;
        for (var i = 0; i < count; i++)
        {
            var key = Epoll.DataOf(events, i);
            if (key != WakeKey && Find(key) is { } connection)
            {
                connection.InputReady(peerHungUp: (Epoll.EventsOf(events, i) & (Epoll.ReadHangUp | Epoll.HangUp | Epoll.Error)) != 0);
                woken++;
            }
        }
        return woken;
    }

    internal IReadinessTarget? Find(ulong key)
    {
        var slot = (int)(uint)key;
        lock (_gate)
            return slot < _usedSlots && _generations[slot] == (uint)(key >> 32) ? _slots[slot] : null;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Epoll.Signal(_wake);
        _polledByThread.Set();
        _thread.Join();
        _epoll.Dispose();
        _wake.Dispose();
    }
}
