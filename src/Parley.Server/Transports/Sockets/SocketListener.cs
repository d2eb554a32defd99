using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Server.Hosting;

namespace Parley.Server.Transports.Sockets;

/// <summary>
/// Accepts TCP connections for one line transport (native JSON lines or IRC) and runs the
/// application for each, without Kestrel's per-connection objects: an idle Kestrel connection
/// holds pipes, socket event args, features and middleware state machines, several times what
/// the socket itself needs (docs/benchmarks.md has the figures). HTTP and WebSocket stay on
/// Kestrel. Every connection it accepts is a <see cref="TcpConnection"/> on the transport the
/// listener was given: epoll (<paramref name="readiness"/> set) or the runtime's sockets. Stopping closes the
/// listening socket; every open connection's session was closed when the host began to stop (each
/// says goodbye once the requests it is running have answered); it waits for the connections to
/// finish, and aborts those still open when the host's shutdown timeout runs out.
/// </summary>
public sealed class SocketListener(
    IPEndPoint endpoint,
    string transport,
    Action<ITransportConnection> handle, // owns the connection: disposes it when done
    long maxConnections,
    EpollReadiness? readiness, // null: the managed-sockets transport
    IHostApplicationLifetime lifetime,
    ILogger logger) : IHostedService
{
    private readonly Lock _gate = new();
    private Socket? _listen;
    private Task _accepting = Task.CompletedTask;
    private TcpConnection? _first;
    private long _open;
    private TaskCompletionSource? _drained;
    private CancellationTokenRegistration _stopping;
    private volatile bool _closingAll;

    /// <summary>What tells this listener's idle connections that input arrived; null with the managed-sockets transport.</summary>
    internal EpollReadiness? Readiness => readiness;

    /// <summary>What this listener carries, as its "listening" line and /metrics name it (tcp, irc).</summary>
    public string Transport => transport;

    /// <summary>Connections open now (/metrics).</summary>
    public long OpenCount => Volatile.Read(ref _open);

    /// <summary>The bound endpoint (the real port when 0 was asked for), once started.</summary>
    public IPEndPoint? BoundEndpoint { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var listen = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // No SocketOptionName.ReuseAddress: on Linux .NET sets SO_REUSEPORT with it, and then a
            // second server binds the same port and the kernel splits new connections between the
            // two. .NET's bind sets SO_REUSEADDR alone on Unix, which is what lets a restarted
            // server bind while old connections sit in TIME_WAIT.
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.Address.Equals(IPAddress.IPv6Any))
                listen.DualMode = true;
            listen.Bind(endpoint);
            listen.Listen(1024);
        }
        catch (SocketException ex)
        {
            listen.Dispose();
            throw new ListenerBindException(transport, endpoint, ex);
        }
        catch
        {
            listen.Dispose();
            throw;
        }
        _listen = listen;
        BoundEndpoint = (IPEndPoint)listen.LocalEndPoint!;
        _accepting = AcceptLoopAsync(listen);
        // When the host begins to stop, every listener's sessions are told at once, as Kestrel's are.
        _stopping = lifetime.ApplicationStopping.Register(CloseAll);
        return Task.CompletedTask;
    }

    private async Task AcceptLoopAsync(Socket listen)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listen.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException || (ex is SocketException && _drained is not null))
            {
                return;
            }
            catch (SocketException ex)
            {
                // Out of file descriptors, or a connection reset before it was accepted: keep listening.
                Log.AcceptFailed(logger, transport, ex.SocketErrorCode);
                await Task.Delay(TimeSpan.FromMilliseconds(50)).ConfigureAwait(false);
                continue;
            }
            if (Interlocked.Read(ref _open) >= maxConnections)
            {
                socket.Dispose();
                continue;
            }
            TcpConnection connection;
            try
            {
                connection = new TcpConnection(socket, this);
            }
            catch (SocketException)
            {
                // Reset by the peer before it could be set up.
                socket.Dispose();
                continue;
            }
            // Each connection starts on the pool, so a client's first request never holds up accepting.
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Listener.Serve(s.Connection), (Listener: this, Connection: connection), preferLocal: false);
        }
    }

    private void CloseAll()
    {
        _closingAll = true;
        foreach (var connection in OpenConnections())
            connection.RequestClose();
    }

    /// <summary>
    /// Starts the handler, which owns the connection from then on and disposes it when done
    /// (disposing it untracks it here): no task of the listener's waits on each connection.
    /// </summary>
    private void Serve(TcpConnection connection)
    {
        Track(connection);
        if (_closingAll)
            connection.RequestClose();
        try
        {
            handle(connection);
        }
        catch (Exception ex)
        {
            Log.ConnectionFailed(logger, transport, connection.RemoteEndPoint, ex);
            connection.Dispose();
        }
    }

    private void Track(TcpConnection connection)
    {
        lock (_gate)
        {
            connection.Next = _first;
            if (_first is not null)
                _first.Previous = connection;
            _first = connection;
            _open++;
        }
    }

    internal void Untrack(TcpConnection connection)
    {
        TaskCompletionSource? drained;
        lock (_gate)
        {
            if (connection.Previous is not null)
                connection.Previous.Next = connection.Next;
            else
                _first = connection.Next;
            if (connection.Next is not null)
                connection.Next.Previous = connection.Previous;
            connection.Previous = connection.Next = null;
            _open--;
            drained = _open == 0 ? _drained : null;
        }
        drained?.TrySetResult();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource drained;
        lock (_gate)
        {
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = _drained;
            if (_open == 0)
                drained.TrySetResult();
        }
        _listen?.Dispose();
        await _accepting.ConfigureAwait(false);
        CloseAll();
        await _stopping.DisposeAsync().ConfigureAwait(false);
        try
        {
            await drained.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            foreach (var connection in OpenConnections())
                connection.Abort();
            await drained.Task.ConfigureAwait(false);
        }
    }

    private List<TcpConnection> OpenConnections()
    {
        List<TcpConnection> open = [];
        lock (_gate)
        {
            for (var c = _first; c is not null; c = c.Next)
                open.Add(c);
        }
        return open;
    }
}
