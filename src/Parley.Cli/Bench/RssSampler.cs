using System.Diagnostics;

namespace Parley.Cli.Bench;

/// <summary>
/// Reads a process's resident memory (VmRSS) every <c>interval</c> on a loop of its own until
/// disposed, and answers questions about stretches of the series (a median, a peak, when it came
/// back down). Does nothing for pid 0 (the server's process unknown).
/// </summary>
public sealed class RssSampler : IAsyncDisposable
{
    private readonly List<(long Ticks, long Bytes)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RssSampler(int pid, TimeSpan interval)
    {
        Pid = pid;
        Interval = interval;
        _loop = pid == 0 ? Task.CompletedTask : Task.Run(() => LoopAsync(_stop.Token));
    }

    public int Pid { get; }

    public TimeSpan Interval { get; }

    private async Task LoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            if (ProcessInfo.ResidentBytes(Pid) is { } bytes)
            {
                lock (_samples)
                    _samples.Add((Stopwatch.GetTimestamp(), bytes));
            }
        }
        while (await WaitAsync(timer, stop).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The samples taken in [<paramref name="from"/>, <paramref name="to"/>) (Stopwatch time stamps), in order.</summary>
    public IReadOnlyList<(long Ticks, long Bytes)> Between(long from, long to)
    {
        lock (_samples)
            return _samples.Where(s => s.Ticks >= from && s.Ticks < to).ToList();
    }

    /// <summary>The last reading, taken now if the loop has none yet.</summary>
    public long? Now() => Pid == 0 ? null : ProcessInfo.ResidentBytes(Pid);

    public static long? Median(IReadOnlyList<(long Ticks, long Bytes)> samples)
    {
        if (samples.Count == 0)
            return null;
        var sorted = samples.Select(s => s.Bytes).Order().ToList();
        return sorted[sorted.Count / 2];
    }

    public static long? Peak(IReadOnlyList<(long Ticks, long Bytes)> samples) =>
        samples.Count == 0 ? null : samples.Max(s => s.Bytes);

    /// <summary>
    /// Seconds from <paramref name="since"/> until the series came back to at most
    /// <paramref name="bound"/> for good: the first sample after the last one above it. Zero if
    /// none was above; null if the last sample still is.
    /// </summary>
    public static double? SecondsUntilWithin(IReadOnlyList<(long Ticks, long Bytes)> samples, long since, long bound)
    {
        var lastAbove = -1;
        for (var i = 0; i < samples.Count; i++)
        {
            if (samples[i].Bytes > bound)
                lastAbove = i;
        }
        if (lastAbove < 0)
            return 0;
        if (lastAbove == samples.Count - 1)
            return null;
        return Math.Max(0, (double)(samples[lastAbove + 1].Ticks - since) / Stopwatch.Frequency);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
