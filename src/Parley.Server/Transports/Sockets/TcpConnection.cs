using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Parley.Core.Model;
using Parley.Protocol;

namespace Parley.Server.Transports.Sockets;

/// <summary>
/// One accepted TCP connection of a line transport: the socket and its input and output pipes,
/// and nothing else, so that ten thousand idle ones stay small. Its handler owns it and disposes
/// it when done, which tells the <see cref="SocketListener"/> it is gone.
/// </summary>
public sealed class TcpConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly SocketPipeReader _input;
    private readonly SocketPipeWriter _output;
    private readonly SocketListener _listener;
    private int _disposing;
    private QueuedSession? _session;
    private volatile bool _closeRequested;

    internal TcpConnection(Socket socket, SocketListener listener)
    {
        _listener = listener;
        _socket = socket;
        // Reads and writes try the socket first and wait only when it has nothing to give or take.
        socket.Blocking = false;
        socket.NoDelay = true;
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint;
        _input = new SocketPipeReader(socket);
        _output = new SocketPipeWriter(socket);
    }

    public IPEndPoint? RemoteEndPoint { get; }

    public PipeReader Input => _input;

    public PipeWriter Output => _output;

    // The listener's list of open connections, for aborting what is left at shutdown.
    internal TcpConnection? Previous { get; set; }
    internal TcpConnection? Next { get; set; }

    /// <summary>The session this connection carries; closed at once if the server is already stopping.</summary>
    public void Attach(QueuedSession session)
    {
        Volatile.Write(ref _session, session);
        if (_closeRequested)
            session.Close(ByeReasons.Shutdown);
    }

    /// <summary>The server is stopping: the session says goodbye, answers what it is running, then ends.</summary>
    internal void RequestClose()
    {
        _closeRequested = true;
        Volatile.Read(ref _session)?.Close(ByeReasons.Shutdown);
    }

    /// <summary>
    /// TCP keepalive probes a silent peer after a minute, so a client whose machine or network
    /// died (no FIN, no RST) is dropped and shown offline within about 90 s rather than never.
    /// </summary>
    public void EnableKeepAlive()
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

    /// <summary>Cuts the connection at once: pending reads end, pending writes fail, unsent bytes are dropped.</summary>
    public void Abort()
    {
        _socket.ShutdownQuietly(SocketShutdown.Both);
        _socket.Dispose();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposing, 1) != 0)
            return;
        _input.Complete();
        _output.Complete();
        _socket.Dispose();
        _listener.Untrack(this);
    }
}
