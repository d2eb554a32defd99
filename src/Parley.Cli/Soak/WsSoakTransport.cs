using System.Net.WebSockets;
using System.Text;

namespace Parley.Cli.Soak;

/// <summary>The same frames, one per WebSocket text message, at /ws.</summary>
public sealed class WsSoakTransport : SoakTransport
{
    private readonly ClientWebSocket _socket;
    private readonly byte[] _buffer = new byte[16 * 1024];

    private WsSoakTransport(ClientWebSocket socket) => _socket = socket;

    public static async Task<WsSoakTransport> ConnectAsync(int httpPort, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{httpPort}/ws"), cancellationToken).ConfigureAwait(false);
            return new WsSoakTransport(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public override async Task<string?> ReceiveAsync(CancellationToken cancellationToken)
    {
        using var message = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(_buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                return null;
            }
            if (result.MessageType == WebSocketMessageType.Close)
                return null;
            message.Write(_buffer, 0, result.Count);
            if (result.EndOfMessage)
                return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
        }
    }

    protected override Task WriteFrameAsync(byte[] frame, CancellationToken cancellationToken) =>
        _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    protected override Task WritePartialAsync(byte[] start) =>
        _socket.SendAsync(start, WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);

    public override void Abort(bool reset) => _socket.Abort();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }
}
