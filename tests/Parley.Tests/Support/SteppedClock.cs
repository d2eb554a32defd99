namespace Parley.Tests.Support;

/// <summary>
/// The system clock as an administrator (or NTP) steps it: <see cref="GetUtcNow"/> jumps by what
/// <see cref="Step"/> says, while timers and elapsed time (<see cref="TimeProvider.GetTimestamp"/>,
/// a monotonic clock) run on undisturbed, as they do on Linux when the wall clock is set.
/// </summary>
public sealed class SteppedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Sets the wall clock <paramref name="by"/> forward (negative: back).</summary>
    public void Step(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
