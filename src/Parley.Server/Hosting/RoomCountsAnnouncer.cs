using Microsoft.Extensions.Hosting;
using Parley.Core.Hub;

namespace Parley.Server.Hosting;

/// <summary>Ticks <see cref="ChatHub.AnnounceLargeRoomCounts"/> every <see cref="ParleyOptions.RoomCountsInterval"/>.</summary>
internal sealed class RoomCountsAnnouncer(ParleyOptions options, ChatHub hub, TimeProvider time) : IHostedService, IDisposable
{
    private ITimer? _timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.RoomCountsInterval > TimeSpan.Zero)
            _timer = time.CreateTimer(_ => hub.AnnounceLargeRoomCounts(), null, options.RoomCountsInterval, options.RoomCountsInterval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();
}
