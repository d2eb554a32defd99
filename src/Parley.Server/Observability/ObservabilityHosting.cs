using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Core.Diagnostics;
using Parley.Core.Storage;
using Parley.Server.Hosting;
using Parley.Server.Transports;
using Parley.Server.Transports.Sockets;
using Parley.Storage.Redis;

namespace Parley.Server.Observability;

/// <summary>How the host gets /metrics, /healthz and /readyz, and the metrics listener when one is asked for.</summary>
public static class ObservabilityHosting
{
    /// <summary>The paths the metrics listener serves; anything else there is 404.</summary>
    private static readonly string[] ListenerPaths = ["/metrics", "/healthz", "/readyz"];

    public static void AddParleyObservability(this WebApplicationBuilder builder, MetricsOptions options, Meter meter, ChatMetrics metrics, IChatStore store)
    {
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(meter);
        builder.Services.AddSingleton(metrics);
        // Made by the container, so disposed by it: the adapter stops listening with the host.
        builder.Services.AddSingleton(_ => new PrometheusExport(meter));
        if (store is RedisChatStore redis)
            builder.Services.AddHostedService(sp => new RedisProbe(redis, options, meter, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RedisProbe>>()));
    }

    /// <summary>
    /// Keeps the metrics listener to its three paths. Call before anything that answers requests
    /// (the web page's files). <paramref name="metricsListener"/> is null when there is none.
    /// </summary>
    public static void UseMetricsListenerPaths(this WebApplication app, Func<ListenOptions?> metricsListener) =>
        app.Use((context, next) =>
        {
            if (OnListener(context, metricsListener()) && !ListenerPaths.Contains(context.Request.Path.Value, StringComparer.Ordinal))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            return next(context);
        });

    /// <param name="tlsLines">The TLS line listeners' connection counts (<see cref="TlsListeners.ConnectionCounts"/>).</param>
    /// <param name="https">Whether there is an HTTPS listener (then WebSockets on it are counted apart, as <c>websocket+tls</c>).</param>
    public static void MapParleyObservability(this WebApplication app, IChatStore store, Func<ListenOptions?> metricsListener, IReadOnlyList<KestrelListenerCheck> kestrelListeners,
        IEnumerable<(string Transport, Func<long> Open)> tlsLines, bool https)
    {
        var listeners = app.Services.GetServices<IHostedService>().OfType<SocketListener>().ToList();
        var meter = app.Services.GetRequiredService<Meter>();
        var webSockets = app.Services.GetRequiredService<WebSocketEndpoint>();
        var connections = listeners.Select(l => (l.Transport, (Func<long>)(() => l.OpenCount))).ToList();
        connections.AddRange(tlsLines);
        connections.Add(("websocket", () => webSockets.OpenCount));
        if (https)
            connections.Add(("websocket+tls", () => webSockets.OpenTlsCount));
        PrometheusExport.AddConnectionGauge(meter, connections);
        var export = app.Services.GetRequiredService<PrometheusExport>();
        var options = app.Services.GetRequiredService<MetricsOptions>();
        var health = new HealthEndpoints(store, listeners, kestrelListeners, app.Services.GetService<CertificateFiles>(),
            app.Services.GetRequiredService<TimeProvider>(), app.Lifetime, app.Services.GetRequiredService<ILogger<HealthEndpoints>>());

        app.MapGet("/healthz", HealthEndpoints.Alive);
        app.MapGet("/readyz", health.Ready);
        app.MapGet("/metrics", async context =>
        {
            switch (MetricsAccess.Check(context, options.Token, OnListener(context, metricsListener())))
            {
                case MetricsAccess.Verdict.Allowed:
                    await export.WriteAsync(context).ConfigureAwait(false);
                    break;
                case MetricsAccess.Verdict.NeedsToken:
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    break;
                default:
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    await context.Response.WriteAsync("/metrics answers this machine, the metrics listener, or a bearer token: see Metrics:Token and Metrics:Listen.\n").ConfigureAwait(false);
                    break;
            }
        });
    }

    /// <summary>Whether the request came in on the metrics listener (its port, and its address unless that is every address).</summary>
    private static bool OnListener(HttpContext context, ListenOptions? listener)
    {
        if (listener?.IPEndPoint is not { } bound || context.Connection.LocalPort != bound.Port)
            return false;
        return bound.Address.Equals(IPAddress.Any) || bound.Address.Equals(IPAddress.IPv6Any)
            || Equals(context.Connection.LocalIpAddress, bound.Address)
            || (context.Connection.LocalIpAddress is { IsIPv4MappedToIPv6: true } mapped && mapped.MapToIPv4().Equals(bound.Address));
    }
}
