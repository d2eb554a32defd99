using System.Buffers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Parley.Protocol.Native;
using Parley.Server.Hosting;

namespace Parley.Server.Transports;

/// <summary>
/// Native protocol over WebSocket at /ws: each text message is one request or one reply/event,
/// the same JSON as a TCP line without the newline.
/// </summary>
public sealed class WebSocketEndpoint(NativeSessionFactory factory, ParleyOptions options)
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("Parley speaks WebSocket here: connect with a WebSocket client.\n").ConfigureAwait(false);
            return;
        }
        if (!IsSameOrigin(context.Request))
        {
            // A page on another site must not use a visitor's browser to talk to this server.
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("WebSocket connections from other origins are refused.\n").ConfigureAwait(false);
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var session = factory.Create(context.Connection.RemoteIpAddress);
        using var _ = factory.CloseOnShutdown(session);
        var remote = context.Connection.RemoteIpAddress is { } ip ? new System.Net.IPEndPoint(ip, context.Connection.RemotePort) : null;
        Log.ConnectionOpened(factory.Logger, "ws", remote);

        using var stopReading = new CancellationTokenSource();
        var writing = WriteThenCloseAsync(session, socket, stopReading);
        try
        {
            await ReadMessagesAsync(session, socket, stopReading.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The peer vanished or the writer gave up on it.
        }
        finally
        {
            await session.EndAsync().ConfigureAwait(false);
        }
        await writing.ConfigureAwait(false);
        Log.ConnectionClosed(factory.Logger, "ws", remote, session.CloseReason ?? "peer closed");
    }

    /// <summary>Browsers always send Origin; other clients (terminal, scripts) send none and are let in.</summary>
    private static bool IsSameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
            return true;
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    private async Task ReadMessagesAsync(NativeSession session, WebSocket socket, CancellationToken stop)
    {
        var max = options.Connections.MaxLineBytes;
        var message = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var result = await socket.ReceiveAsync(message.GetMemory(4096), stop).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
                return;
            message.Advance(result.Count);
            if (message.WrittenCount > max)
            {
                session.RejectOversized();
                return;
            }
            if (!result.EndOfMessage)
                continue;
            await session.HandleFrameAsync(new ReadOnlySequence<byte>(message.WrittenMemory)).ConfigureAwait(false);
            message.ResetWrittenCount();
        }
    }

    private static async Task WriteThenCloseAsync(NativeSession session, WebSocket socket, CancellationTokenSource stopReading)
    {
        try
        {
            var frames = session.Outbound;
            // No token on the wait (it would allocate per wake-up); an abort completes the queue too.
            while (await frames.WaitToReadAsync().ConfigureAwait(false))
            {
                session.Aborted.ThrowIfCancellationRequested();
                while (frames.TryRead(out var frame))
                    await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, session.Aborted).ConfigureAwait(false);
            }
            session.Aborted.ThrowIfCancellationRequested();
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, session.CloseReason ?? "bye", session.Aborted).ConfigureAwait(false);
            }
            // Give the peer a moment to answer the close, then stop waiting for it.
            stopReading.CancelAfter(CloseHandshakeTimeout);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            socket.Abort();
            await stopReading.CancelAsync().ConfigureAwait(false);
        }
    }
}
