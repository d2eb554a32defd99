using System.Diagnostics;

namespace Parley.Cli.Bench;

/// <summary>
/// Reads the server's resident memory (VmRSS) and CPU time, and this process's CPU time, every
/// <c>interval</c> on a loop of its own until disposed, and answers questions about stretches of
/// the series (a median, a peak, when it came back down, the CPU share over a window). Does nothing
/// for pid 0 (the server's process unknown).
/// </summary>
public sealed class ProcessSampler : IAsyncDisposable
{
    private readonly List<(long Ticks, long Bytes)> _samples = [];
    private readonly List<(long Ticks, int Pid, double Server, double Bench)> _cpu = [];
    private int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ProcessSampler(int pid, TimeSpan interval)
    {
        _pid = pid;
        Interval = interval;
        _loop = pid == 0 ? Task.CompletedTask : Task.Run(() => LoopAsync(_stop.Token));
    }

    /// <summary>The server's process; changed by <see cref="Follow"/> when the server was restarted.</summary>
    public int Pid => Volatile.Read(ref _pid);

    /// <summary>Samples another process from now on (the same server, restarted). CPU shares use one process's samples only.</summary>
    public void Follow(int pid) => Volatile.Write(ref _pid, pid);

    public TimeSpan Interval { get; }

    private async Task LoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            var now = Stopwatch.GetTimestamp();
            var pid = Pid;
            if (ProcessInfo.ResidentBytes(pid) is { } bytes)
            {
                lock (_samples)
                    _samples.Add((now, bytes));
            }
            if (ProcessInfo.CpuSeconds(pid) is { } server && ProcessInfo.CpuSeconds(Environment.ProcessId) is { } bench)
            {
                lock (_cpu)
                    _cpu.Add((now, pid, server, bench));
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

    /// <summary>
    /// The server's and this process's CPU time over [<paramref name="from"/>, <paramref name="to"/>)
    /// as a share of one core (1.0 = one core busy all along), from the samples nearest inside it.
    /// When fewer than two fall in it (a short window, or a sampler held up by a busy machine), from
    /// the nearest on either side of it instead; null without two samples of one process around it.
    /// </summary>
    public (double Server, double Bench)? CpuShare(long from, long to)
    {
        lock (_cpu)
        {
            var inside = _cpu.Where(c => c.Ticks >= from && c.Ticks < to).ToList();
            if (inside.Count < 2)
                inside = [.. _cpu.Where(c => c.Ticks < from).TakeLast(1), .. inside, .. _cpu.Where(c => c.Ticks >= to).Take(1)];
            if (inside.Count > 0)
                inside = inside.Where(c => c.Pid == inside[^1].Pid).ToList();
            if (inside.Count < 2)
                return null;
            var (t0, _, s0, b0) = inside[0];
            var (t1, _, s1, b1) = inside[^1];
            var seconds = (double)(t1 - t0) / Stopwatch.Frequency;
            return seconds > 0 ? ((s1 - s0) / seconds, (b1 - b0) / seconds) : null;
        }
    }

    /// <summary>A reading taken now.</summary>
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
