using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Parley.Cli.Soak;

/// <summary>JSON lines over TCP.</summary>
public sealed class TcpSoakTransport : SoakTransport
{
    private static readonly byte[] LineEnd = "\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;

    private TcpSoakTransport(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _reader = PipeReader.Create(_stream);
    }

    public static async Task<TcpSoakTransport> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
            return new TcpSoakTransport(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public override async Task<string?> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.PositionOf((byte)'\n') is { } end)
            {
                var line = Encoding.UTF8.GetString(buffer.Slice(0, end));
                _reader.AdvanceTo(buffer.GetPosition(1, end));
                return line;
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
                return null;
        }
    }

    protected override async Task WriteFrameAsync(byte[] frame, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await _stream.WriteAsync(LineEnd, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task WritePartialAsync(byte[] start) =>
        await _stream.WriteAsync(start).ConfigureAwait(false);

    public override void Abort(bool reset)
    {
        try
        {
            if (reset)
                _socket.LingerState = new LingerOption(true, 0);
            _socket.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }
}
