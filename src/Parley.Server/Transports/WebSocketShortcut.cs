using System.IO.Pipelines;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;

namespace Parley.Server.Transports;

/// <summary>
/// A Kestrel connection middleware on the HTTP listener: a connection whose first request is a
/// WebSocket upgrade to /ws is answered here and runs the native protocol on Kestrel's
/// connection directly, without Kestrel's HTTP layer, whose per-connection objects (the HTTP/1
/// connection, request and response headers, features and streams, the middleware pipeline
/// awaiting the socket) stayed alive for as long as the WebSocket did and made most of an idle
/// web user's memory. Every other connection, and any upgrade <see cref="WebSocketUpgradeRequest"/>
/// does not take, goes on to Kestrel untouched (its bytes not consumed), where /ws still works.
/// </summary>
public sealed class WebSocketShortcut(WebSocketEndpoint endpoint, TimeSpan headTimeout)
{
    public async Task OnConnectedAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var request = await ReadUpgradeAsync(connection.Transport.Input, connection.ConnectionClosed).ConfigureAwait(false);
        if (request is not { } upgrade)
        {
            await next(connection).ConfigureAwait(false);
            return;
        }
        await connection.Transport.Output.WriteAsync(upgrade.SwitchingProtocolsResponse(), connection.ConnectionClosed).ConfigureAwait(false);
        using var socket = WebSocket.CreateFromStream(new DuplexPipeStream(connection.Transport), new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = WebSocketEndpoint.PingInterval,
            KeepAliveTimeout = WebSocketEndpoint.PingTimeout,
        });
        await endpoint.RunAsync(socket, connection.RemoteEndPoint as IPEndPoint).ConfigureAwait(false);
    }

    /// <summary>The upgrade the connection opens with, its head consumed; null, with nothing consumed, for anything else.</summary>
    private async Task<WebSocketUpgradeRequest?> ReadUpgradeAsync(PipeReader input, CancellationToken closed)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(closed);
        timeout.CancelAfter(headTimeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // A head that stalls: Kestrel's own timeout and answer take over from here.
                return null;
            }
            var buffer = result.Buffer;
            var verdict = WebSocketUpgradeRequest.Read(buffer, out var request);
            if (verdict == UpgradeVerdict.Upgrade)
            {
                input.AdvanceTo(buffer.GetPosition(request.HeadLength));
                return request;
            }
            if (verdict == UpgradeVerdict.NotThis || result.IsCompleted)
            {
                input.AdvanceTo(buffer.Start);
                return null;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
