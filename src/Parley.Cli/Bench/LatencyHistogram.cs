using System.Numerics;

namespace Parley.Cli.Bench;

/// <summary>
/// Latencies in microseconds in preallocated log-linear buckets (HdrHistogram's layout with 64
/// sub-buckets per power of two: under 1.6 % error), so recording is an index computation and an
/// increment, with no allocation. Not thread-safe: each receive thread records into its own and
/// they are merged at the end.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBuckets = 128;
    private const int HalfSubBuckets = SubBuckets / 2;
    private const int MaxShift = 40;

    private readonly long[] _counts = new long[SubBuckets + MaxShift * HalfSubBuckets];

    public long Count { get; private set; }

    public long Max { get; private set; }

    public void Record(long micros)
    {
        if (micros < 0)
            micros = 0;
        _counts[IndexOf(micros)]++;
        Count++;
        if (micros > Max)
            Max = micros;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
            _counts[i] += other._counts[i];
        Count += other.Count;
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>The value at or below which <paramref name="percentile"/> % of the recorded values lie (the bucket's upper end, capped at the maximum).</summary>
    public long ValueAt(double percentile)
    {
        if (Count == 0)
            return 0;
        var rank = (long)Math.Ceiling(percentile / 100.0 * Count);
        rank = Math.Clamp(rank, 1, Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
                return Math.Min(UpperBound(i), Max);
        }
        return Max;
    }

    private static int IndexOf(long value)
    {
        if (value < SubBuckets)
            return (int)value;
        var msb = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = Math.Min(msb - 6, MaxShift);
        var sub = (int)Math.Min(value >> shift, SubBuckets - 1);
        return SubBuckets + (shift - 1) * HalfSubBuckets + (sub - HalfSubBuckets);
    }

    private static long UpperBound(int index)
    {
        if (index < SubBuckets)
            return index;
        var shift = (index - SubBuckets) / HalfSubBuckets + 1;
        var sub = (index - SubBuckets) % HalfSubBuckets + HalfSubBuckets;
        return ((long)(sub + 1) << shift) - 1;
    }
}
