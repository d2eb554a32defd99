using Parley.Server.Hosting;
using Parley.Tests.Support;

namespace Parley.Tests.Hosting;

public sealed class LowPriorityLaneTests
{
    [Fact]
    public async Task Work_returns_its_result_or_its_exception()
    {
        var lane = new LowPriorityLane("test-lane", maxThreads: 2);
        Assert.Equal(42, await lane.RunAsync(() => 6 * 7));
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => lane.RunAsync<int>(() => throw new InvalidOperationException("no")));
        Assert.Equal("no", failure.Message);
    }

    [Fact]
    public async Task Work_runs_at_the_lowest_priority_on_linux()
    {
        if (!OperatingSystem.IsLinux())
            return;
        var lane = new LowPriorityLane("test-lane", maxThreads: 1);
        // Field 19 of a task's stat is its nice value; the name in field 2 may hold spaces.
        var stat = await lane.RunAsync(() => File.ReadAllText("/proc/thread-self/stat"));
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        Assert.Equal("19", fields[16]);
    }

    [Fact]
    public async Task No_more_threads_than_allowed_run_at_once_and_they_end_when_idle()
    {
        var lane = new LowPriorityLane("test-lane", maxThreads: 2, idleTimeout: TimeSpan.FromMilliseconds(200));
        var running = 0;
        var most = 0;
        var works = Enumerable.Range(0, 12).Select(_ => lane.RunAsync(() =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            Thread.Sleep(20);
            Interlocked.Decrement(ref running);
            return 0;
        })).ToList();
        await Task.WhenAll(works);
        Assert.Equal(2, most);
        await Until.TrueAsync(() => lane.Threads == 0, "the lane's threads end");
        // And start again with new work.
        Assert.Equal(1, await lane.RunAsync(() => 1));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var was && was != seen)
            seen = was;
    }
}
