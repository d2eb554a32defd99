namespace Parley.Server.Observability;

/// <summary>Who may read /metrics, and where (keys <c>Metrics:…</c>). See README, "Metrics and health".</summary>
public sealed class MetricsOptions
{
    /// <summary>
    /// A bearer token /metrics then asks of every scrape (<c>Authorization: Bearer …</c>), on any
    /// listener. Empty: /metrics answers loopback clients on the HTTP listener (and anyone on
    /// <see cref="Listen"/>), and no one else.
    /// </summary>
    public string Token { get; set; } = "";

    /// <summary>
    /// A plain HTTP listener of its own, <c>ADDR:PORT</c>, that serves /metrics, /healthz and
    /// /readyz and nothing else: bind it to an address only the scraper reaches. Empty: none.
    /// </summary>
    public string Listen { get; set; } = "";

    /// <summary>With Redis: how often it is pinged for <c>parley_redis_up</c> and the round-trip histogram.</summary>
    public TimeSpan RedisProbeInterval { get; set; } = TimeSpan.FromSeconds(5);
}
