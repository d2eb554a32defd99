using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Core.Hub;

namespace Parley.Server.Hosting;

/// <summary>
/// Runs <see cref="ChatHub.AnnounceLargeRoomCounts"/> every <see cref="ParleyOptions.RoomCountsInterval"/>,
/// one run at a time: a run that outlasts the interval makes the next tick skip, so counts never
/// go out of order.
/// </summary>
internal sealed class RoomCountsAnnouncer(ParleyOptions options, ChatHub hub, ILogger<RoomCountsAnnouncer> logger) : IHostedService, IDisposable
{
    private ITimer? _timer;
    private int _running;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.RoomCountsInterval > TimeSpan.Zero)
            // The real clock, as for MemoryTrimmer: counts are refreshed for people watching, and a
            // test clock advanced by days would announce once per interval back to back.
            _timer = TimeProvider.System.CreateTimer(_ => Tick(), null, options.RoomCountsInterval, options.RoomCountsInterval);
        return Task.CompletedTask;
    }

    private void Tick()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
            return;
        try
        {
            hub.AnnounceLargeRoomCounts();
        }
        catch (Exception ex)
        {
            // A timer thread's exception would end the process; counts are a nicety.
            Log.RoomCountsFailed(logger, ex);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();
}
