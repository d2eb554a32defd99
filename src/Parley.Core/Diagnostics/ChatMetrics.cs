using System.Diagnostics.Metrics;

namespace Parley.Core.Diagnostics;

/// <summary>
/// What the hub, the protocols and the stores count, published as instruments of one
/// <see cref="Meter"/> (the host exports them at /metrics). No label ever names a user.
///
/// The counts are plain fields bumped with <see cref="Interlocked"/> and read by observable
/// instruments only when a listener collects (a scrape): counting a delivery on the fan-out hot
/// path is one interlocked add per broadcast, with no allocation, lock or listener callback.
/// Only the commit-time histogram records as it goes, once per store commit.
///
/// Without a meter (tests, the benchmarks' hub) the counts are kept and nothing is published.
/// </summary>
public sealed class ChatMetrics
{
    /// <summary>The name of the meter the host creates for these instruments.</summary>
    public const string MeterName = "Parley";

    private long _signIns;
    private long _signInFailures;
    private long _messagesStored;
    private long _deliveries;
    private long _slowConsumers;
    private long _refusedRequests;
    private long _refusedSignIns;
    private long _refusedUploads;
    private readonly Histogram<double>? _commitSeconds;

    public ChatMetrics(Meter? meter = null)
    {
        if (meter is null)
            return;
        meter.CreateObservableCounter("parley.sign_ins", () => new[]
        {
            Outcome(Interlocked.Read(ref _signIns), "ok"),
            Outcome(Interlocked.Read(ref _signInFailures), "failed"),
        }, description: "Sign-ins (password, token or guest) by outcome; refusals by rate limit count as failed too.");
        meter.CreateObservableCounter("parley.messages.stored", () => Interlocked.Read(ref _messagesStored),
            description: "Messages sent on this node and stored (system lines included).");
        meter.CreateObservableCounter("parley.deliveries", () => Interlocked.Read(ref _deliveries),
            description: "Events handed to sessions' outbound queues on this node.");
        meter.CreateObservableCounter("parley.slow_consumers", () => Interlocked.Read(ref _slowConsumers),
            description: "Connections dropped because their outbound queue was full (slow consumers).");
        meter.CreateObservableCounter("parley.rate_limited", () => new[]
        {
            Limit(Interlocked.Read(ref _refusedRequests), "request"),
            Limit(Interlocked.Read(ref _refusedSignIns), "sign_in"),
            Limit(Interlocked.Read(ref _refusedUploads), "upload"),
        }, description: "Requests refused by a rate limit (rate_limited), by which limit.");
        _commitSeconds = meter.CreateHistogram<double>("parley.store.commit.duration", unit: "s",
            description: "Time of one store commit: a SQLite group-commit transaction, or one Redis message append.");
    }

    public long SignIns => Interlocked.Read(ref _signIns);

    public long SignInFailures => Interlocked.Read(ref _signInFailures);

    public long MessagesStored => Interlocked.Read(ref _messagesStored);

    public long Deliveries => Interlocked.Read(ref _deliveries);

    public long SlowConsumers => Interlocked.Read(ref _slowConsumers);

    public void SignedIn(bool succeeded)
    {
        if (succeeded)
            Interlocked.Increment(ref _signIns);
        else
            Interlocked.Increment(ref _signInFailures);
    }

    public void MessageStored() => Interlocked.Increment(ref _messagesStored);

    /// <summary>Counts one broadcast's deliveries at once: the fan-out adds its total, not one per session.</summary>
    public void Delivered(int sessions)
    {
        if (sessions > 0)
            Interlocked.Add(ref _deliveries, sessions);
    }

    public void SlowConsumerDropped() => Interlocked.Increment(ref _slowConsumers);

    public void RequestRateLimited() => Interlocked.Increment(ref _refusedRequests);

    public void SignInRateLimited() => Interlocked.Increment(ref _refusedSignIns);

    public void UploadRateLimited() => Interlocked.Increment(ref _refusedUploads);

    public void StoreCommitted(TimeSpan took) => _commitSeconds?.Record(took.TotalSeconds);

    private static Measurement<long> Outcome(long value, string outcome) => new(value, new KeyValuePair<string, object?>("outcome", outcome));

    private static Measurement<long> Limit(long value, string limit) => new(value, new KeyValuePair<string, object?>("limit", limit));
}
