using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Parley.Client.Transport;

/// <summary>Frames as '\n'-terminated lines over TCP.</summary>
internal sealed class TcpLineConnection : IFrameConnection
{
    private static readonly byte[] Newline = "\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;

    private TcpLineConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream);
    }

    public static async Task<TcpLineConnection> ConnectAsync(string server, CancellationToken cancellationToken)
    {
        var (host, port) = ParseServer(server);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new TcpLineConnection(socket);
    }

    internal static (string Host, int Port) ParseServer(string server)
    {
        var colon = server.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(server.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
            throw new FormatException($"'{server}' is not HOST:PORT (for example 127.0.0.1:7878)");
        return (server[..colon].Trim('[', ']'), port);
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await _stream.WriteAsync(Newline, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            if (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                var frame = line.ToArray();
                _reader.AdvanceTo(reader.Position);
                return frame;
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
                return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
