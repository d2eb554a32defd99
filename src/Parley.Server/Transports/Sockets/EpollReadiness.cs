using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Parley.Server.Hosting;

namespace Parley.Server.Transports.Sockets;

/// <summary>
/// Tells idle connections when input arrives, with one epoll instance and one thread for all of
/// them (as the runtime's own socket engine does), so that a connection waiting for input holds
/// no pending receive, no socket event args and no suspended state machines: 10,000 idle
/// connections then cost what their sessions and sockets cost, about 1.3 KB less each. A
/// connection is armed once per wait (one-shot), so an event wakes exactly one reader.
/// </summary>
public sealed class EpollReadiness : IDisposable
{
    private const ulong WakeKey = ulong.MaxValue;
    private const int EventsPerWait = 256;

    private readonly ILogger<EpollReadiness> _logger;
    private readonly SafeFileHandle _epoll;
    private readonly SafeFileHandle _wake;
    private readonly Thread _thread;
    private readonly Lock _gate = new();
    // Watched connections by slot; a key is the slot and its generation, so an event that arrives
    // for a connection already gone cannot wake the next one given the same slot.
    private TcpConnection?[] _slots = new TcpConnection?[64];
    private uint[] _generations = new uint[64];
    private readonly Stack<int> _freeSlots = new();
    private int _usedSlots;
    private volatile bool _disposed;

    public EpollReadiness(ILogger<EpollReadiness> logger)
    {
        _logger = logger;
        _epoll = Epoll.Create();
        _wake = Epoll.CreateEventFd();
        if (!Epoll.Control(_epoll, Epoll.CtlAdd, _wake, Epoll.In, WakeKey))
            throw new InvalidOperationException("could not watch the wake-up descriptor");
        _thread = new Thread(Run) { IsBackground = true, Name = "parley-epoll" };
        _thread.Start();
    }

    /// <summary>Gives the connection a key for <see cref="Arm"/>; <see cref="Forget"/> it once its socket is closed.</summary>
    internal ulong Watch(TcpConnection connection)
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
    /// Asks for one wake-up (<see cref="TcpConnection.InputReady"/>) when the socket has input or
    /// has ended. False if the socket or this engine is already closed: no wake-up will come.
    /// </summary>
    internal bool Arm(SafeSocketHandle socket, ulong key, bool first)
    {
        if (_disposed)
            return false;
        return Epoll.Control(_epoll, first ? Epoll.CtlAdd : Epoll.CtlModify, socket, Epoll.In | Epoll.ReadHangUp | Epoll.OneShot, key);
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
        while (!_disposed)
        {
            var count = Epoll.Wait(_epoll, events, out var error);
            if (count < 0 && error == Epoll.Interrupted)
                continue;
            if (count < 0)
            {
                // Dispose closes the descriptor only after this thread has ended, so an error here
                // is never the way out at dispose: silent, it would leave idle connections hanging.
                if (!_disposed)
                    Log.EpollFailed(_logger, error);
                return;
            }
            for (var i = 0; i < count; i++)
            {
                var key = Epoll.DataOf(events, i);
                if (key != WakeKey)
                    Find(key)?.InputReady();
            }
        }
    }

    private TcpConnection? Find(ulong key)
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
        _thread.Join();
        _epoll.Dispose();
        _wake.Dispose();
    }
}
