using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Core.Storage;
using Parley.Storage.Redis;

namespace Parley.Server.Observability;

/// <summary>
/// With Redis: pings it every <see cref="MetricsOptions.RedisProbeInterval"/> and publishes what
/// it finds: <c>parley.redis.up</c> (1 answering, 0 not), the PING round trip, and the outages
/// counted as they begin. An outage's start and end are logged once each, not at every ping.
/// </summary>
public sealed class RedisProbe : BackgroundService
{
    private readonly RedisChatStore _redis;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisProbe> _logger;
    private readonly Histogram<double> _roundTrip;
    private volatile bool _up = true;
    private long _outages;

    public RedisProbe(RedisChatStore redis, MetricsOptions options, Meter meter, TimeProvider time, ILogger<RedisProbe> logger)
    {
        _redis = redis;
        _interval = options.RedisProbeInterval;
        _time = time;
        _logger = logger;
        _roundTrip = meter.CreateHistogram<double>("parley.redis.round_trip", unit: "s", description: "PING round trips to Redis, one per probe.");
        meter.CreateObservableGauge("parley.redis.up", () => _up ? 1 : 0, description: "Whether Redis answered the last probe (1) or not (0).");
        meter.CreateObservableCounter("parley.redis.outages", () => Interlocked.Read(ref _outages), description: "Times Redis stopped answering.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_interval <= TimeSpan.Zero)
            return;
        using var timer = new PeriodicTimer(_interval, _time);
        do
        {
            await ProbeAsync().ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task ProbeAsync()
    {
        try
        {
            _roundTrip.Record((await _redis.PingAsync().ConfigureAwait(false)).TotalSeconds);
            if (!_up)
                ObservabilityLog.RedisBack(_logger);
            _up = true;
        }
        catch (StoreUnavailableException ex)
        {
            if (_up)
            {
                Interlocked.Increment(ref _outages);
                ObservabilityLog.RedisDown(_logger, ex.Message);
            }
            _up = false;
        }
    }
}
