using System.IO.Pipelines;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Parley.Server.Transports;

/// <summary>
/// A Kestrel connection middleware on the HTTP listener: a connection whose first request is a
/// WebSocket upgrade to /ws is answered here and runs the native protocol on Kestrel's
/// connection directly, without Kestrel's HTTP layer, whose per-connection objects (the HTTP/1
/// connection, request and response headers, features and streams, the middleware pipeline
/// awaiting the socket) stayed alive for as long as the WebSocket did and made most of an idle
/// web user's memory. Every other connection, and any upgrade <see cref="WebSocketUpgradeRequest"/>
/// does not take, goes on to Kestrel untouched (its bytes not consumed), where /ws still works.
/// What such a connection skips with the HTTP layer: the app's middleware (Parley adds none that
/// a WebSocket needs: no host filtering; forwarded headers below) and Kestrel's request metrics; the
/// 101 carries no Date or Server header. A head that stalls is handed to Kestrel after
/// <c>headTimeout</c>, and Kestrel's own header timeout then starts afresh. The forwarded-headers
/// middleware is one of those skipped: from a trusted proxy, the client's address is read here from
/// the head's <c>X-Forwarded-For</c> by the same rule (<see cref="TrustedProxies.ClientOf"/>).
/// </summary>
/// <param name="tls">Whether this is the HTTPS listener (its sessions are <c>websocket+tls</c> in /metrics).</param>
public sealed class WebSocketShortcut(WebSocketEndpoint endpoint, TrustedProxies proxies, TimeSpan headTimeout, TimeSpan pingInterval, bool tls)
{
    public async Task OnConnectedAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var request = await ReadUpgradeAsync(connection).ConfigureAwait(false);
        if (request is not { } upgrade)
        {
            await next(connection).ConfigureAwait(false);
            return;
        }
        try
        {
            await connection.Transport.Output.WriteAsync(upgrade.SwitchingProtocolsResponse(), connection.ConnectionClosed).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return; // The peer left before its 101.
        }
        using var socket = WebSocket.CreateFromStream(new DuplexPipeStream(connection.Transport), new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = pingInterval,
            KeepAliveTimeout = pingInterval,
        });
        var remote = connection.RemoteEndPoint as IPEndPoint;
        if (remote is not null)
            remote = proxies.ClientOf(remote, upgrade.ForwardedFor);
        await endpoint.RunAsync(socket, remote, ConnectionsPerAddressMiddleware.Of(connection.Items), tls, connection.Abort).ConfigureAwait(false);
    }

    /// <summary>The upgrade the connection opens with, its head consumed; null, with nothing consumed, for anything else.</summary>
    private async Task<WebSocketUpgradeRequest?> ReadUpgradeAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        // A stopping host asks connections to close; one that has not sent its head yet goes now.
        var closing = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? default;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed, closing);
        stop.CancelAfter(headTimeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // A head that stalls, a stopping host, a peer that reset: Kestrel answers as it always has.
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
