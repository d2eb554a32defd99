using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;

namespace Parley.Client.Transport;

/// <summary>Frames as '\n'-terminated lines over TCP, or over TLS on TCP.</summary>
internal sealed class TcpLineConnection : IFrameConnection
{
    private static readonly byte[] Newline = "\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _reader;

    private TcpLineConnection(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        _reader = PipeReader.Create(_stream);
    }

    /// <param name="tls">Null for plain TCP; else TLS, with the server's certificate checked by it.</param>
    public static async Task<TcpLineConnection> ConnectAsync(string server, ServerCertificateCheck? tls, CancellationToken cancellationToken)
    {
        var (host, port) = ParseServer(server);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream stream;
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (tls is not null)
            {
                var secure = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = secure;
                await secure.AuthenticateAsClientAsync(tls.ClientOptions(host), cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new TcpLineConnection(socket, stream);
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
