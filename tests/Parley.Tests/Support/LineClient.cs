using System.Net.Sockets;
using System.Text;

namespace Parley.Tests.Support;

/// <summary>The native protocol over a real TCP connection: one JSON object per line.</summary>
public sealed class LineClient : ProtocolClient
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Task _reading;

    private LineClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reading = Task.Run(ReadAsync);
    }

    public Socket Socket => _tcp.Client;

    public static async Task<LineClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        return new LineClient(tcp);
    }

    protected override Task SendTextAsync(string text) => SendBytesAsync(Encoding.UTF8.GetBytes(text + "\n"));

    public async Task SendBytesAsync(byte[] bytes)
    {
        await _writeGate.WaitAsync();
        try
        {
            await _stream.WriteAsync(bytes);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Closes our sending side only, as `nc -N` does at end of input.</summary>
    public void ShutdownSend() => _tcp.Client.Shutdown(SocketShutdown.Send);

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

    /// <summary>Drops the connection without a goodbye (RST), like a crashed client.</summary>
    public void Abort()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Close();
    }

    public override async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        await _reading.ConfigureAwait(false);
    }
}
