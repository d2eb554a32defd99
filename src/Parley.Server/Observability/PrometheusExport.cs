using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Prometheus;

namespace Parley.Server.Observability;

/// <summary>
/// /metrics in Prometheus text format: this server's <see cref="Meter"/> (the hub's and stores'
/// <see cref="Core.Diagnostics.ChatMetrics"/>, the connection gauge, the Redis probe) through
/// <see cref="MeterBridge"/>, and the process's CPU, memory and GC (prometheus-net's
/// DotNetStats). The registry is this server's own, not prometheus-net's static default one, and
/// the bridge hears this server's meter alone: two servers in one process (the tests) keep
/// their numbers apart. prometheus-net appears only here; the domain core knows only the BCL's Meter.
/// </summary>
public sealed class PrometheusExport : IDisposable
{
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly MeterBridge _bridge;

    public PrometheusExport(Meter meter)
    {
        DotNetStats.Register(_registry);
        _bridge = new MeterBridge(meter, _registry, LatencyBuckets);
    }

    /// <summary>Seconds, from a fast fsync to a Redis that is timing out.</summary>
    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    /// <summary>
    /// Publishes the open connections of each source by transport: the line listeners (<c>tcp</c>,
    /// <c>irc</c>, and over TLS <c>tcp+tls</c>, <c>irc+tls</c>) and the WebSocket endpoint
    /// (<c>websocket</c>, and on the HTTPS listener <c>websocket+tls</c>).
    /// </summary>
    public static void AddConnectionGauge(Meter meter, IReadOnlyList<(string Transport, Func<long> Open)> sources) =>
        meter.CreateObservableUpDownCounter("parley.connections", () =>
        {
            var counts = new Measurement<long>[sources.Count];
            for (var i = 0; i < sources.Count; i++)
                counts[i] = new(sources[i].Open(), new KeyValuePair<string, object?>("transport", sources[i].Transport));
            return counts;
        }, description: "Connections open now, by transport (tcp: native JSON lines, websocket, irc; +tls: on a TLS listener).");

    public async Task WriteAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await _registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    public void Dispose() => _bridge.Dispose();
}
