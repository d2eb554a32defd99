using System.Net.WebSockets;
using System.Text;

namespace Parley.Tests.Support;

/// <summary>The native protocol over a real WebSocket: one JSON object per text message.</summary>
public sealed class WsClient : ProtocolClient
{
    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Task _reading;

    private WsClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reading = Task.Run(ReadAsync);
    }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <param name="configure">Sets the handshake's options: a header (X-Forwarded-For), the certificate check for wss.</param>
    public static async Task<WsClient> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
        await socket.ConnectAsync(uri, CancellationToken.None);
        return new WsClient(socket);
    }

    protected override async Task SendTextAsync(string text)
    {
        await _writeGate.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Sends one message cut into these fragments (WebSocket continuation frames), for split-frame tests.</summary>
    public async Task SendFragmentsAsync(IReadOnlyList<byte[]> fragments, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        await _writeGate.WaitAsync();
        try
        {
            for (var i = 0; i < fragments.Count; i++)
                await _socket.SendAsync(fragments[i], type, endOfMessage: i == fragments.Count - 1, CancellationToken.None);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public string? CloseStatusDescription => _socket.CloseStatusDescription;

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (true)
            {
                var count = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), CancellationToken.None);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }
                OnFrame(Encoding.UTF8.GetString(buffer, 0, count));
            }
        }
        // Disposing aborts the socket: a receive in flight throws WebSocketException, the next one
        // (after a frame that arrived just before) InvalidOperationException.
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
        finally
        {
            OnClosed();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        await _reading.ConfigureAwait(false);
    }
}
