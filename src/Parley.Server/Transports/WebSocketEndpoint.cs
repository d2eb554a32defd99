using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Parley.Protocol.Native;
using Parley.Server.Hosting;

namespace Parley.Server.Transports;

/// <summary>
/// Native protocol over WebSocket at /ws: each text message is one request or one reply/event,
/// the same JSON as a TCP line without the newline. Most connections are upgraded by
/// <see cref="WebSocketShortcut"/> before Kestrel's HTTP layer; this endpoint takes the others
/// (an upgrade after other requests on a kept-alive connection, or one the shortcut leaves to
/// Kestrel) and answers what is not a WebSocket upgrade.
/// </summary>
public sealed class WebSocketEndpoint(NativeSessionFactory factory, ParleyOptions options)
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);
    private long _open;
    private long _openTls;

    /// <summary>WebSocket sessions open now on the plain HTTP listener (/metrics: <c>websocket</c>).</summary>
    public long OpenCount => Interlocked.Read(ref _open);

    /// <summary>WebSocket sessions open now on the HTTPS listener (/metrics: <c>websocket+tls</c>).</summary>
    public long OpenTlsCount => Interlocked.Read(ref _openTls);

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("Parley speaks WebSocket here: connect with a WebSocket client.\n").ConfigureAwait(false);
            return;
        }
        if (!SameOrigin.Allows(context.Request.Headers.Origin.ToString(), context.Request.Host.Value ?? ""))
        {
            // A page on another site must not use a visitor's browser to talk to this server.
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("WebSocket connections from other origins are refused.\n").ConfigureAwait(false);
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var remote = context.Connection.RemoteIpAddress is { } ip ? new IPEndPoint(ip, context.Connection.RemotePort) : null;
        await RunAsync(socket, remote, ConnectionsPerAddressMiddleware.Of(context.Features.Get<IConnectionItemsFeature>()?.Items),
            context.Request.IsHttps, context.Abort).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a native session on an open WebSocket until either side closes it; <paramref name="admission"/>:
    /// whether its connection was counted against its address; <paramref name="tls"/>: whether it came on the HTTPS listener;
    /// <paramref name="abortConnection"/> cuts the connection under the WebSocket, which aborting the
    /// WebSocket alone does not: Kestrel would go on sending what its pipe holds to a peer that does not read.
    /// </summary>
    public async Task RunAsync(WebSocket socket, IPEndPoint? remote, AddressAdmission admission, bool tls, Action abortConnection)
    {
        var session = factory.Create(remote?.Address, admission);
        using var _ = factory.CloseOnShutdown(session);
        var wire = tls ? "wss" : "ws";
        Interlocked.Increment(ref tls ? ref _openTls : ref _open);
        Log.ConnectionOpened(factory.Logger, wire, remote);

        using var stopReading = new CancellationTokenSource();
        var writing = WriteThenCloseAsync(session, socket, stopReading, abortConnection);
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
            Interlocked.Decrement(ref tls ? ref _openTls : ref _open);
            await session.EndAsync().ConfigureAwait(false);
        }
        await writing.ConfigureAwait(false);
        Log.ConnectionClosed(factory.Logger, wire, remote, session.CloseReason ?? "peer closed");
    }

    /// <summary>
    /// Reads request messages. An idle connection holds no buffer: a zero-byte receive waits for
    /// the next message, and only then is a buffer rented from the shared pool, returned once the
    /// message is handled (a 4 KB buffer held per connection was a sixth of an idle one).
    /// </summary>
    private async Task ReadMessagesAsync(NativeSession session, WebSocket socket, CancellationToken stop)
    {
        var max = options.Connections.MaxLineBytes;
        while (true)
        {
            var waited = await socket.ReceiveAsync(Memory<byte>.Empty, stop).ConfigureAwait(false);
            if (waited.MessageType == WebSocketMessageType.Close)
                return;
            if (waited.EndOfMessage)
            {
                // An empty message, whole already.
                await session.HandleFrameAsync(ReadOnlySequence<byte>.Empty).ConfigureAwait(false);
                continue;
            }
            var buffer = ArrayPool<byte>.Shared.Rent(4096);
            var length = 0;
            try
            {
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    var result = await socket.ReceiveAsync(buffer.AsMemory(length), stop).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                        return;
                    length += result.Count;
                    if (length > max)
                    {
                        session.RejectOversized();
                        return;
                    }
                    if (result.EndOfMessage)
                        break;
                }
                await session.HandleFrameAsync(new ReadOnlySequence<byte>(buffer, 0, length)).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static async Task WriteThenCloseAsync(NativeSession session, WebSocket socket, CancellationTokenSource stopReading, Action abortConnection)
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
            // Cut by the server (a goodbye not read within its grace): the connection goes too.
            // Any other failure leaves it to close behind what is on its way (a 1007 Close frame).
            var cut = session.IsAborted;
            session.ConnectionLost();
            socket.Abort();
            if (cut)
                abortConnection();
            await stopReading.CancelAsync().ConfigureAwait(false);
        }
    }
}
