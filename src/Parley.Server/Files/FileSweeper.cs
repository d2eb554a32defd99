using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Core.Hub;
using Parley.Core.Storage;
using Parley.Server.Hosting;

namespace Parley.Server.Files;

/// <summary>
/// Deletes what no one will download: uploads never sent within
/// <see cref="Core.Policy.ChatLimits.UnsentFileLifetime"/>, blobs no file names any more (their
/// message recalled, removed, or its room deleted), and temporary files a crash left behind.
/// A blob is deleted only once unnamed and put longer ago than <see cref="Grace"/>: an upload
/// of the same bytes in progress puts it again before it names it.
/// </summary>
public sealed class FileSweeper(ParleyOptions options, ChatHub hub, IChatStore store, DirectoryBlobStore blobs, TimeProvider time,
    ILogger<FileSweeper> logger) : IHostedService, IDisposable
{
    public static readonly TimeSpan Grace = TimeSpan.FromHours(1);

    private ITimer? _timer;
    private int _running;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.FileSweepInterval > TimeSpan.Zero)
            _timer = time.CreateTimer(_ => _ = TickAsync(), null, options.FileSweepInterval, options.FileSweepInterval);
        return Task.CompletedTask;
    }

    private async Task TickAsync()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
            return;
        try
        {
            await SweepAsync(Grace).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.FileSweepFailed(logger, ex);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>One sweep; blobs put less than <paramref name="grace"/> ago stay. Returns the blobs deleted.</summary>
    public async Task<int> SweepAsync(TimeSpan grace)
    {
        await store.ForgetUnsentFilesAsync(time.GetUtcNow() - hub.Limits.UnsentFileLifetime).ConfigureAwait(false);
        // Files carry the file system's times, not the server's clock (which tests set).
        var now = DateTimeOffset.UtcNow;
        blobs.DeleteTemporaryFiles(now - grace);
        var deleted = 0;
        foreach (var (hash, lastPut) in blobs.List().ToList())
        {
            if (lastPut > now - grace || await store.IsBlobReferencedAsync(hash).ConfigureAwait(false))
                continue;
            // Asked again once the blob is out of reach: an upload of the same bytes may have named it since.
            if (await blobs.DeleteUnusedAsync(hash, now - grace, () => store.IsBlobReferencedAsync(hash)).ConfigureAwait(false))
                deleted++;
        }
        return deleted;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();
}
