using System.Buffers;
using System.Net.WebSockets;

namespace Parley.Client.Transport;

/// <summary>Frames as WebSocket text messages.</summary>
internal sealed class WebSocketFrameConnection(ClientWebSocket socket) : IFrameConnection
{
    public static async Task<WebSocketFrameConnection> ConnectAsync(Uri uri, ServerCertificateCheck check, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        if (check.Callback is { } callback)
            socket.Options.RemoteCertificateValidationCallback = callback;
        try
        {
            await socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new WebSocketFrameConnection(socket);
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) =>
        socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    public async ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var message = new ArrayBufferWriter<byte>(1024);
        while (true)
        {
            var result = await socket.ReceiveAsync(message.GetMemory(4096), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
                return null;
            message.Advance(result.Count);
            if (result.EndOfMessage)
                return message.WrittenSpan.ToArray();
        }
    }

    public ValueTask DisposeAsync()
    {
        socket.Abort();
        socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
