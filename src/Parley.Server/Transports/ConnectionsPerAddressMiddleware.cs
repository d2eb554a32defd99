using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Core.Model;
using Parley.Server.Hosting;

namespace Parley.Server.Transports;

/// <summary>
/// The first of a Kestrel listener's connection middlewares (HTTP, HTTPS, tcp+tls, irc+tls): counts
/// each connection against its address (<see cref="ConnectionsPerAddress"/>) as it is accepted,
/// before a TLS handshake or an HTTP request, until it closes. A TLS connection past the limit is
/// closed at once, before its handshake (the costly part, and nothing can be said before it). A
/// plain HTTP one goes on, marked <see cref="AddressAdmission.Refused"/>: a WebSocket session on it
/// says <c>bye</c> <c>too_many_connections</c> as it opens, which a browser's page can show, and any
/// other request is answered 503 (<see cref="RefuseRequests"/>) and the connection closed. It is
/// not counted, so it gets <see cref="RefusedDeadline"/> for that answer and is then aborted: else
/// one address could hold any number of idle refused sockets until Kestrel's own timeouts.
///
/// On the HTTP and HTTPS listeners a connection from a trusted proxy (<see cref="TrustedProxies"/>)
/// is not counted here: its address is the proxy's, which speaks for many clients, and no header
/// has been read yet. It is marked <see cref="AddressAdmission.Proxied"/>: a WebSocket session on
/// it is counted as it opens by the address the proxy forwards, and any other request while it
/// runs (<see cref="CountProxiedRequests"/>). On tcp+tls and irc+tls, which carry no headers, a
/// proxy's connections count against the proxy's address like anyone's.
/// </summary>
internal sealed class ConnectionsPerAddressMiddleware(ConnectionsPerAddress connections, TrustedProxies? proxies, bool tls, TimeProvider time, ILogger logger)
{
    /// <summary>How long a refused plain-HTTP connection has to send its request and be answered.</summary>
    public static readonly TimeSpan RefusedDeadline = TimeSpan.FromSeconds(5);

    public async Task OnConnectedAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var socket = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (proxies is not null && proxies.Trusts(socket))
        {
            connection.Items[typeof(AddressAdmission)] = AddressAdmission.Proxied;
            await next(connection).ConfigureAwait(false);
            return;
        }
        var address = socket?.ToString();
        if (!connections.TryOpen(address, out var key))
        {
            Log.RefusedPastAddressLimit(logger, address!, tls ? "before its TLS handshake" : "after one answer");
            if (tls)
                return;
            connection.Items[typeof(AddressAdmission)] = AddressAdmission.Refused;
            using var deadline = new CancellationTokenSource(RefusedDeadline, time);
            using var abort = deadline.Token.Register(connection.Abort);
            await next(connection).ConfigureAwait(false);
            return;
        }
        connection.Items[typeof(AddressAdmission)] = AddressAdmission.Admitted;
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            if (key is not null)
                connections.Release(key);
        }
    }

    /// <summary>
    /// Puts the count first on <paramref name="listen"/>: call before <c>UseHttps</c> and anything
    /// else. <paramref name="http"/>: the listener serves HTTP, so a trusted proxy's forwarded address can be read.
    /// </summary>
    public static void Add(ListenOptions listen, bool tls, bool http)
    {
        var services = listen.ApplicationServices;
        var proxies = services.GetRequiredService<TrustedProxies>();
        var middleware = new ConnectionsPerAddressMiddleware(
            services.GetRequiredService<ConnectionsPerAddress>(), http && proxies.Any ? proxies : null, tls, services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<ConnectionsPerAddress>>());
        listen.Use(next => connection => middleware.OnConnectedAsync(connection, next));
    }

    /// <summary>What this middleware decided for the connection whose items these are; <see cref="AddressAdmission.CountSession"/> when it did not see it.</summary>
    public static AddressAdmission Of(IDictionary<object, object?>? items) =>
        items is not null && items.TryGetValue(typeof(AddressAdmission), out var admission) && admission is AddressAdmission decided
            ? decided
            : AddressAdmission.CountSession;

    /// <summary>
    /// Answers every request but /ws on a connection past its address's limit with 503 and
    /// <c>{"error":"too_many_connections"}</c>, and closes it. Put it before anything that answers.
    /// </summary>
    public static void RefuseRequests(WebApplication app) =>
        app.Use((context, next) =>
        {
            if (Of(context.Features.Get<IConnectionItemsFeature>()?.Items) != AddressAdmission.Refused || context.Request.Path == "/ws")
                return next(context);
            context.Response.Headers.Connection = "close";
            return TooManyAsync(context);
        });

    private static Task TooManyAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync($"{{\"error\":\"{ByeReasons.TooManyConnections}\"}}\n");
    }

    /// <summary>
    /// On a connection from a trusted proxy (<see cref="AddressAdmission.Proxied"/>), counts each
    /// request but /ws against the client address the forwarded-headers middleware found, while it
    /// runs: one past <c>Connections:PerAddress</c> is answered 503 <c>{"error":"too_many_connections"}</c>,
    /// and the proxy's connection stays open for its other clients. /ws is left to its session, which
    /// is counted as it opens. Put it after <c>UseForwardedHeaders</c> and before anything that answers.
    /// </summary>
    public static void CountProxiedRequests(WebApplication app)
    {
        var connections = app.Services.GetRequiredService<ConnectionsPerAddress>();
        var logger = app.Services.GetRequiredService<ILogger<ConnectionsPerAddress>>();
        app.Use(async (context, next) =>
        {
            if (Of(context.Features.Get<IConnectionItemsFeature>()?.Items) != AddressAdmission.Proxied || context.Request.Path == "/ws")
            {
                await next(context).ConfigureAwait(false);
                return;
            }
            var address = context.Connection.RemoteIpAddress?.ToString();
            if (!connections.TryOpen(address, out var key))
            {
                Log.RefusedPastAddressLimit(logger, address!, "for a request through a trusted proxy");
                await TooManyAsync(context).ConfigureAwait(false);
                return;
            }
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                if (key is not null)
                    connections.Release(key);
            }
        });
    }
}
