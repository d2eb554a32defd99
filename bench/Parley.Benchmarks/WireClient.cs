using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Parley.Benchmarks;

/// <summary>
/// One loopback TCP connection to a real listener (<c>SocketListener</c> with
/// TcpJsonConnectionHandler or IrcConnectionHandler): the server side runs exactly as in
/// `parley serve` (reader loop, session, writer loop, socket pipes); this side writes request
/// lines and counts the lines it gets back, reading into one reused buffer (no allocation per read).
/// </summary>
internal sealed class WireClient
{
    private readonly Socket _socket;
    private readonly Action<long> _onLines;
    private readonly ConcurrentQueue<string> _captured = new();
    private volatile bool _capturing = true;
    private Task _reading = Task.CompletedTask;

    private WireClient(Socket socket, Action<long> onLines)
    {
        _socket = socket;
        _onLines = onLines;
    }

    public static async Task<WireClient> ConnectAsync(IPEndPoint server, Action<long> onLines)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server);
        var client = new WireClient(socket, onLines);
        client._reading = client.ReadAsync();
        return client;
    }

    public void Write(byte[] bytes)
    {
        var sent = 0;
        while (sent < bytes.Length)
            sent += _socket.Send(bytes, sent, bytes.Length - sent, SocketFlags.None);
    }

    public void Write(string text) => Write(Encoding.UTF8.GetBytes(text));

    /// <summary>Ends this side's output: the server sees the peer close, finishes, and closes too.</summary>
    public Task CloseAsync()
    {
        _socket.Shutdown(SocketShutdown.Send);
        return _reading;
    }

    /// <summary>Stops keeping the received text (set-up is over): from now on lines are only counted.</summary>
    public void StopCapturing()
    {
        _capturing = false;
        _captured.Clear();
    }

    public async Task WaitForAsync(string fragment, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_captured.Any(text => text.Contains(fragment, StringComparison.Ordinal)))
                return;
            await Task.Delay(1);
        }
        throw new TimeoutException($"no '{fragment}' within {timeout}; got: {string.Concat(_captured)}");
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var count = await _socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).ConfigureAwait(false);
            if (count == 0)
            {
                _socket.Dispose();
                return;
            }
            long lines = buffer.AsSpan(0, count).Count((byte)'\n');
            if (_capturing)
                _captured.Enqueue(Encoding.UTF8.GetString(buffer, 0, count));
            if (lines > 0)
                _onLines(lines);
        }
    }
}
