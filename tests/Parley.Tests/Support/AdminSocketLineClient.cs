using System.Net.Sockets;
using System.Text;

namespace Parley.Tests.Support;

/// <summary>The native protocol over a server's admin socket (a Unix domain socket): the connection is the operator.</summary>
public sealed class AdminSocketLineClient : ProtocolClient
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly Task _reading;

    private AdminSocketLineClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Connects to <c>admin.sock</c> in <paramref name="dataDirectory"/>.</summary>
    public static async Task<AdminSocketLineClient> ConnectAsync(string dataDirectory)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(dataDirectory, "admin.sock")));
        return new AdminSocketLineClient(socket);
    }

    protected override async Task SendTextAsync(string text) => await _stream.WriteAsync(Encoding.UTF8.GetBytes(text + "\n"));

    private async Task ReadAsync()
    {
        try
        {
            using var reader = new StreamReader(_stream, new UTF8Encoding(false, throwOnInvalidBytes: true), leaveOpen: true);
            while (await reader.ReadLineAsync() is { } line)
                OnFrame(line);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            OnClosed();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await _reading.ConfigureAwait(false);
    }
}
