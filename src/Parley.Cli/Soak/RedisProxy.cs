using System.Net;
using System.Net.Sockets;

namespace Parley.Cli.Soak;

/// <summary>
/// A TCP relay owned by the run between the Parley nodes and Redis, so that Redis can be made
/// unreachable without touching Redis: <see cref="Cut"/> resets every relayed connection, and until
/// <see cref="Mend"/> new connections are accepted but nothing is forwarded (Redis looks like a
/// host that stopped answering), then they are closed. Loopback only.
/// </summary>
public sealed class RedisProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _redisPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _lock = new();
    private readonly List<Socket> _open = [];
    private Task _accepting = Task.CompletedTask;
    private bool _cut;

    public RedisProxy(int redisPort) => _redisPort = redisPort;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Start()
    {
        _listener.Start();
        _accepting = AcceptAsync(_stop.Token);
    }

    public void Cut()
    {
        List<Socket> open;
        lock (_lock)
        {
            _cut = true;
            open = [.. _open];
            _open.Clear();
        }
        foreach (var socket in open)
            Reset(socket);
    }

    public void Mend()
    {
        List<Socket> held;
        lock (_lock)
        {
            _cut = false;
            held = [.. _open];
            _open.Clear();
        }
        // Connections accepted while cut were never relayed: close them, the nodes connect again.
        foreach (var socket in held)
            Reset(socket);
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            bool cut;
            lock (_lock)
            {
                cut = _cut;
                _open.Add(client);
            }
            if (!cut)
                _ = RelayAsync(client, cancellationToken);
        }
    }

    private async Task RelayAsync(Socket client, CancellationToken cancellationToken)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _redisPort, cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (!_open.Contains(client))
                    throw new SocketException((int)SocketError.ConnectionReset);
                _open.Add(upstream);
            }
            client.NoDelay = true;
            await Task.WhenAny(PumpAsync(client, upstream, cancellationToken), PumpAsync(upstream, client, cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (_lock)
            {
                _open.Remove(client);
                _open.Remove(upstream);
            }
            Reset(client);
            Reset(upstream);
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    return;
                await to.SendAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        Cut();
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }
}
