using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Core.Hub;

namespace Parley.Server.Hosting;

/// <summary>
/// Gives memory back to the system once the server has gone quiet after a busy stretch (a storm
/// of sign-ins, a burst of history reads). The GC keeps the heap it grew for such a stretch
/// committed until later collections return it, and a server with thousands of idle connections
/// allocates too little to run any: its resident memory stays at the peak. So, like the JVM's
/// periodic collections for idle applications (JEP 346), a timer checks whether no message was
/// sent and little was allocated since its last tick while much of the committed heap holds
/// nothing live, and then runs one aggressive collection, which compacts and decommits what is
/// free. Its pause (tens of milliseconds after a storm of 10,000 sign-ins) would be a stall to
/// people chatting, so it never runs while anyone sends, however little that allocates; once the
/// memory is returned it has nothing to do until the next burst.
/// Each quiet tick first has the sessions give back the queue space the burst grew
/// (<see cref="ChatHub.ReleaseIdleMemory"/>): live objects, which no collection would return.
/// </summary>
internal sealed class MemoryTrimmer(ParleyOptions options, ChatHub hub, ILogger<MemoryTrimmer> logger) : IHostedService, IDisposable
{
    // Allocated per tick, at most, for the server to count as quiet.
    private const long QuietBytes = 1 << 20;
    // Committed beyond the live heap, at least, for a collection to be worth its pause (or a
    // quarter of the live heap, if more: a large heap's pause is longer).
    private const long WastedBytes = 8 << 20;

    private ITimer? _timer;
    private long _allocatedAtLastTick;
    private long _messagesAtLastTick;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.MemoryTrimInterval > TimeSpan.Zero)
        {
            _allocatedAtLastTick = GC.GetTotalAllocatedBytes();
            _messagesAtLastTick = hub.MessagesSeen;
            // The real clock, not the server's: a tick measures what the process allocated since the
            // last, and a test clock advanced by days would run a tick per interval back to back.
            _timer = TimeProvider.System.CreateTimer(_ => Tick(), null, options.MemoryTrimInterval, options.MemoryTrimInterval);
        }
        return Task.CompletedTask;
    }

    private void Tick()
    {
        var allocated = GC.GetTotalAllocatedBytes();
        var messages = hub.MessagesSeen;
        var quiet = IsQuiet(allocated - _allocatedAtLastTick, messages - _messagesAtLastTick);
        _allocatedAtLastTick = allocated;
        _messagesAtLastTick = messages;
        var last = GC.GetGCMemoryInfo();
        var lastFull = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var released = quiet ? hub.ReleaseIdleMemory() : 0;
        var held = Math.Max(last.TotalCommittedBytes, GC.GetTotalMemory(forceFullCollection: false));
        // What the sessions just gave back is garbage now; the last full collection counted it
        // live if it ran after the burst. If it ran before, live comes out too low, which costs at
        // most one needless collection on a quiet server.
        var live = Math.Max(0, lastFull.HeapSizeBytes - lastFull.FragmentedBytes - released);
        var trim = ShouldTrim(quiet, held, live);
        Log.MemoryTrimTick(logger, trim ? "runs" : "skipped", quiet, held >> 20, live >> 20, released >> 10);
        if (!trim)
            return;
        var started = Stopwatch.GetTimestamp();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
        Log.MemoryTrimmed(logger, held >> 20, GC.GetGCMemoryInfo().TotalCommittedBytes >> 20, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        _allocatedAtLastTick = GC.GetTotalAllocatedBytes();
    }

    /// <summary>Nobody sent a message since the last tick, and the server allocated little.</summary>
    internal static bool IsQuiet(long allocatedBytes, long messages) => messages == 0 && allocatedBytes < QuietBytes;

    /// <summary>
    /// Quiet, and the heap holds more than the last full collection found live by at least 8 MB
    /// and a quarter of that live set. (16 MB flat missed storms half the time at 10,000
    /// connections: a full collection late in the storm counted 17 MB live against 32 MB held.)
    /// Held is the larger of what the last collection left committed and the heap now, which
    /// counts what was allocated since; live comes from a full collection because a partial one
    /// counts the older generations whole, dead objects included, and a sign-in storm leaves much
    /// of its garbage there. A live set that has really grown since costs one needless collection,
    /// after which the figure is right again.
    /// </summary>
    internal static bool ShouldTrim(bool quiet, long heldBytes, long liveAtLastFullGc) =>
        quiet && heldBytes - liveAtLastFullGc >= Math.Max(WastedBytes, liveAtLastFullGc / 4);

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();
}
