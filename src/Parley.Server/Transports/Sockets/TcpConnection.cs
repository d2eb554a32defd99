using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Parley.Server.Transports.Sockets;

/// <summary>
/// One accepted TCP connection of a line transport: the socket and its input and output pipes,
/// and nothing else, so that ten thousand idle ones stay small. Nothing waits on it while it is
/// idle: its reader runs when input arrives (<see cref="ResumeOnInput"/>), told by the listener's
/// <see cref="EpollReadiness"/> or, with the managed-sockets transport, by a pending zero-byte
/// receive. Its application owns it and disposes it when done, which tells the
/// <see cref="SocketListener"/> it is gone.
/// </summary>
public sealed class TcpConnection : ITransportConnection, IReadinessTarget
{
    private readonly Socket _socket;
    private readonly SocketPipeReader _input;
    private readonly SocketPipeWriter _output;
    private readonly SocketListener _listener;
    private int _disposing;
    private IConnectionApplication? _application;
    private volatile bool _closeRequested;
    private int _readerState = ReaderRunning;
    private const int ReaderRunning = 0;
    private const int ReaderWaiting = 1;
    // Input arrived (or the connection stopped) while the reader ran: it must run again.
    private const int ReaderRunningWithNews = 2;
    private readonly ulong _readinessKey;
    private bool _watched;

    internal TcpConnection(Socket socket, SocketListener listener)
    {
        _listener = listener;
        _socket = socket;
        // The epoll transport makes its system calls itself; the managed one through the runtime.
        var direct = listener.Readiness is not null;
        // Reads and writes try the socket first and wait only when it has nothing to give or take.
        NonBlockingSocket.MakeNonBlocking(socket, direct);
        socket.NoDelay = true;
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint;
        _input = new SocketPipeReader(socket, direct);
        _output = new SocketPipeWriter(socket, direct);
        _readinessKey = listener.Readiness?.Watch(this) ?? 0;
    }

    public IPEndPoint? RemoteEndPoint { get; }

    public PipeReader Input => _input;

    public PipeWriter Output => _output;

    // The listener's list of open connections, for aborting what is left at shutdown.
    internal TcpConnection? Previous { get; set; }
    internal TcpConnection? Next { get; set; }

    public void Serve(IConnectionApplication application)
    {
        EnableKeepAlive();
        Volatile.Write(ref _application, application);
        if (_closeRequested)
            application.CloseGracefully();
    }

    /// <summary>Gives back the receive buffer, and runs the reader again once input arrives.</summary>
    public void ResumeOnInput()
    {
        _input.ReleaseIdleBuffer();
        // News that came while the reader ran (input, a stop) is not repeated: read again now.
        if (Interlocked.CompareExchange(ref _readerState, ReaderWaiting, ReaderRunning) == ReaderRunningWithNews)
        {
            RunReader();
            return;
        }
        if (_listener.Readiness is not { } readiness)
        {
            _ = WaitByZeroByteReceiveAsync();
            return;
        }
        // Added once, for good. The first event can run the reader, and so this again, before Add returns.
        if (_watched)
            return;
        _watched = true;
        if (!readiness.Add(_socket.SafeHandle, _readinessKey))
            Abort(); // the socket or the server is closing: end the connection, which wakes the reader
    }

    /// <summary>Input arrived or the connection ended: runs the reader if it was waiting, or has it run again once it is done.</summary>
    /// <param name="peerHungUp">The event says the peer closed its side or reset the connection.</param>
    internal void InputReady(bool peerHungUp = false)
    {
        if (peerHungUp)
        {
            _input.PeerHungUp();
            Volatile.Read(ref _application)?.PeerHungUp();
        }
        while (true)
        {
            var state = Volatile.Read(ref _readerState);
            if (state == ReaderRunningWithNews)
                return;
            var next = state == ReaderWaiting ? ReaderRunning : ReaderRunningWithNews;
            if (Interlocked.CompareExchange(ref _readerState, next, state) != state)
                continue;
            if (state == ReaderWaiting)
                RunReader();
            return;
        }
    }

    void IReadinessTarget.InputReady(bool peerHungUp) => InputReady(peerHungUp);

    private void RunReader()
    {
        Volatile.Write(ref _readerState, ReaderRunning);
        _input.InputArrived();
        ThreadPool.UnsafeQueueUserWorkItem(_application!, preferLocal: false);
    }

    // Where there is no epoll: wait as the runtime does, with a pending zero-byte receive.
    private async Task WaitByZeroByteReceiveAsync()
    {
        try
        {
            await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The reader finds out when it reads.
        }
        InputReady();
    }

    public void StopReading()
    {
        _input.CancelPendingRead();
        InputReady();
    }

    /// <summary>The server is stopping: the application says goodbye, answers what it is running, then ends.</summary>
    internal void RequestClose()
    {
        _closeRequested = true;
        Volatile.Read(ref _application)?.CloseGracefully();
    }

    /// <summary>
    /// TCP keepalive probes a silent peer after a minute, so a client whose machine or network
    /// died (no FIN, no RST) is dropped and shown offline within about 90 s rather than never.
    /// </summary>
    private void EnableKeepAlive()
    {
        try
        {
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            _socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 60);
            _socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 10);
            _socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
        }
        catch (SocketException)
        {
            // The peer is already gone; the reader will find out.
        }
    }

    public void Abort()
    {
        _socket.ShutdownQuietly(SocketShutdown.Both);
        _socket.Dispose();
        // A closed socket leaves the epoll set without an event: wake the reader here.
        InputReady();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposing, 1) != 0)
            return;
        _input.Complete();
        _output.Complete();
        _socket.Dispose();
        _listener.Readiness?.Forget(_readinessKey);
        _listener.Untrack(this);
    }
}
