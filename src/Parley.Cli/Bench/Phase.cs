using System.Diagnostics;

namespace Parley.Cli.Bench;

/// <summary>
/// One measured stretch: senders send from <see cref="Start"/> to <see cref="WindowEnd"/>;
/// only what is sent in [<see cref="WindowStart"/>, <see cref="WindowEnd"/>) counts (before it is
/// warm-up). Receive threads each count into their own <see cref="ReceiveStats"/>.
/// </summary>
public sealed class Phase(long start, long windowStart, long windowEnd, double rate) : IDisposable
{
    private readonly ThreadLocal<ReceiveStats> _stats = new(() => new ReceiveStats(), trackAllValues: true);

    public long Start { get; } = start;

    public long WindowStart { get; } = windowStart;

    /// <summary>End of sending and of the window; moved earlier when the run is stopped.</summary>
    public long WindowEnd { get; private set; } = windowEnd;

    /// <summary>Aggregate messages per second over all senders; 0 is as fast as possible.</summary>
    public double Rate { get; } = rate;

    public ReceiveStats Local => _stats.Value!;

    public static Phase Create(TimeSpan warmup, TimeSpan duration, double rate)
    {
        var now = Stopwatch.GetTimestamp();
        var windowStart = now + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        return new Phase(now, windowStart, windowStart + (long)(duration.TotalSeconds * Stopwatch.Frequency), rate);
    }

    public bool InWindow(long ticks) => ticks >= WindowStart && ticks < WindowEnd;

    /// <summary>Stops sending now (Ctrl-C); the window ends here.</summary>
    public void CutShort()
    {
        var now = Stopwatch.GetTimestamp();
        if (now < WindowEnd)
            WindowEnd = Math.Max(now, WindowStart);
    }

    public double WindowSeconds => (double)(WindowEnd - WindowStart) / Stopwatch.Frequency;

    public ReceiveStats Total()
    {
        var total = new ReceiveStats();
        foreach (var s in _stats.Values)
        {
            total.Latency.Add(s.Latency);
            total.CrossNodeLatency.Add(s.CrossNodeLatency);
            total.Deliveries += s.Deliveries;
            total.ReceivedInWindow += s.ReceivedInWindow;
            total.UniqueOfWindow += s.UniqueOfWindow;
            total.ObservedUniqueOfWindow += s.ObservedUniqueOfWindow;
            total.Duplicates += s.Duplicates;
            total.Unexpected += s.Unexpected;
            total.Gaps += s.Gaps;
            total.ObservedDuplicates += s.ObservedDuplicates;
            total.ObservedSkipped += s.ObservedSkipped;
            total.ObservedOutOfOrder += s.ObservedOutOfOrder;
        }
        return total;
    }

    /// <summary>
    /// Deliveries and first deliveries of window messages so far, at every receiver or at the
    /// observers only (read while receive threads write: for progress and draining).
    /// </summary>
    public (long Deliveries, long UniqueOfWindow, long ReceivedInWindow) Counts(bool observersOnly = false)
    {
        long deliveries = 0, unique = 0, inWindow = 0;
        foreach (var s in _stats.Values)
        {
            deliveries += Volatile.Read(ref s.Deliveries);
            unique += observersOnly ? Volatile.Read(ref s.ObservedUniqueOfWindow) : Volatile.Read(ref s.UniqueOfWindow);
            inWindow += Volatile.Read(ref s.ReceivedInWindow);
        }
        return (deliveries, unique, inWindow);
    }

    public void Dispose() => _stats.Dispose();
}
