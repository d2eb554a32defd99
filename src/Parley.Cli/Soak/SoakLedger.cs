using System.Collections.Concurrent;
using System.Diagnostics;

namespace Parley.Cli.Soak;

/// <summary>One acknowledged send: what the server answered for it.</summary>
public sealed record AckedMessage(string Conversation, long Seq, string Id, string Text, string Sender, bool Late);

/// <summary>
/// Everything the clients did that the end of the run checks or reports, shared by all of them
/// (thread-safe): acknowledged sends, sends whose outcome was never known, frames cut on purpose,
/// error codes seen, reconnections, latencies per report interval, and violations found on the way.
/// </summary>
public sealed class SoakLedger(TimeSpan interval)
{
    private const int KeptViolations = 200;

    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly ConcurrentDictionary<int, List<double>> _latencies = new();
    private readonly ConcurrentDictionary<int, long> _sentPerInterval = new();
    private long _sent, _reconnections, _resent, _storedUnanswered, _refused, _flooded, _malformed, _oversized, _midFrameCuts, _slowConsumerDrops, _lateReplies, _violationCount;

    public ConcurrentQueue<AckedMessage> Acked { get; } = new();

    /// <summary>Texts sent whose outcome was unknown at first (no answer, `unavailable`, `internal`): each may be in history at most once.</summary>
    public ConcurrentDictionary<string, string> Unanswered { get; } = new();

    /// <summary>Texts of send frames cut off in the middle on purpose, or refused (`rate_limited`, not run): never to be stored.</summary>
    public ConcurrentDictionary<string, string> NeverStored { get; } = new();

    /// <summary>Texts sent by IRC clients (no acknowledgement on IRC): each at most once in history.</summary>
    public ConcurrentDictionary<string, string> IrcTexts { get; } = new();

    public ConcurrentDictionary<string, long> ErrorCodes { get; } = new();

    public ConcurrentQueue<string> Violations { get; } = new();

    public TimeSpan Interval { get; } = interval;

    public long Sent => Interlocked.Read(ref _sent);

    public long Reconnections => Interlocked.Read(ref _reconnections);

    public long Resent => Interlocked.Read(ref _resent);

    public long StoredUnanswered => Interlocked.Read(ref _storedUnanswered);

    public long Refused => Interlocked.Read(ref _refused);

    public long Flooded => Interlocked.Read(ref _flooded);

    public long Malformed => Interlocked.Read(ref _malformed);

    public long Oversized => Interlocked.Read(ref _oversized);

    public long MidFrameCuts => Interlocked.Read(ref _midFrameCuts);

    public long SlowConsumerDrops => Interlocked.Read(ref _slowConsumerDrops);

    /// <summary>Replies (errors) that came for requests their client had stopped waiting for (connection dropped or request timed out meanwhile).</summary>
    public long LateReplies => Interlocked.Read(ref _lateReplies);

    public long ViolationCount => Interlocked.Read(ref _violationCount);

    public double Elapsed => Stopwatch.GetElapsedTime(_start).TotalSeconds;

    public int CurrentInterval => (int)(Elapsed / Interval.TotalSeconds);

    public void CountSent()
    {
        Interlocked.Increment(ref _sent);
        _sentPerInterval.AddOrUpdate(CurrentInterval, 1, (_, n) => n + 1);
    }

    public void Ack(AckedMessage message, double? latencyMs)
    {
        Acked.Enqueue(message);
        if (message.Late)
            Interlocked.Increment(ref _storedUnanswered);
        if (latencyMs is { } ms)
        {
            var list = _latencies.GetOrAdd(CurrentInterval, _ => []);
            lock (list)
                list.Add(ms);
        }
    }

    public void CountReconnection() => Interlocked.Increment(ref _reconnections);

    public void CountResent() => Interlocked.Increment(ref _resent);

    public void CountRefused() => Interlocked.Increment(ref _refused);

    public void CountFlooded(long frames) => Interlocked.Add(ref _flooded, frames);

    public void CountMalformed() => Interlocked.Increment(ref _malformed);

    public void CountOversized() => Interlocked.Increment(ref _oversized);

    public void CountMidFrameCut() => Interlocked.Increment(ref _midFrameCuts);

    public void CountSlowConsumerDrop() => Interlocked.Increment(ref _slowConsumerDrops);

    public void CountLateReply() => Interlocked.Increment(ref _lateReplies);

    public void CountError(string code) => ErrorCodes.AddOrUpdate(code, 1, (_, n) => n + 1);

    public void Violation(string what)
    {
        if (Interlocked.Increment(ref _violationCount) <= KeptViolations)
            Violations.Enqueue($"{Elapsed:0.0}s {what}");
    }

    /// <summary>Per report interval: sends started, acknowledgements and their latency percentiles (ms).</summary>
    public IReadOnlyList<IntervalLatency> LatencyByInterval()
    {
        var last = Math.Max(CurrentInterval, _latencies.Keys.DefaultIfEmpty(0).Max());
        var result = new List<IntervalLatency>();
        for (var i = 0; i <= last; i++)
        {
            double[] values = [];
            if (_latencies.TryGetValue(i, out var list))
            {
                lock (list)
                    values = [.. list];
            }
            Array.Sort(values);
            result.Add(new IntervalLatency(i, _sentPerInterval.GetValueOrDefault(i), values.Length,
                Percentile(values, 0.50), Percentile(values, 0.99), values.Length > 0 ? values[^1] : null));
        }
        return result;
    }

    private static double? Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? null : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

/// <summary>One report interval's send figures.</summary>
public sealed record IntervalLatency(int Interval, long Sent, long Acked, double? P50Ms, double? P99Ms, double? MaxMs);
