using System.Buffers;
using Parley.Core.Storage;
using Parley.Server.Hosting;

namespace Parley.Server.Files;

/// <summary>
/// Where uploads are written, hashed and processed: below chat, and at a pace the disk can take
/// beside it. Bytes are read on the thread pool (waiting for the network costs nothing); each
/// 64-KiB chunk waits its turn in a server-wide budget of <c>bytesPerSecond</c>, then is written
/// on a <see cref="LowPriorityLane"/>. A connection whose chunk waits is not read further, so
/// TCP slows its sender and the server holds a chunk per upload, not the upload.
/// Why both (docs/benchmarks.md, "Uploads beside chat"): a hundred uploads flat out took the
/// server's core and blocked its pool threads in writes and fsyncs, and chat's p99 went from
/// 12–15 ms to 0.36–0.54 s. On the lane it was 39–50 ms: what remained was mostly the disk, as
/// chat waits for a WAL fsync, which queued behind the uploads' writes. Paced to 16 MiB/s, 14–21 ms.
/// </summary>
public sealed class UploadLane(LowPriorityLane lane, double bytesPerSecond, TimeProvider time)
{
    private const int ChunkBytes = 64 * 1024;

    private readonly Lock _gate = new();
    // When the budget is next free, in TimeProvider timestamps: each chunk reserves its share of a second.
    private long _free;

    /// <summary>A lane with no budget, for tests and tools.</summary>
    public static UploadLane Unpaced(string name = "parley-files") => new(new LowPriorityLane(name, 2), 0, TimeProvider.System);

    /// <summary>Runs work that touches the disk or takes the CPU for long (an fsync, decoding a picture) below chat.</summary>
    public Task RunAsync(Action work) => lane.RunAsync(work);

    /// <inheritdoc cref="RunAsync(Action)"/>
    public Task<T> RunAsync<T>(Func<T> work) => lane.RunAsync(work);

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="file"/> (opened for synchronous writes),
    /// giving each chunk to <paramref name="alsoEach"/> too. Throws
    /// <see cref="BlobTooLargeException"/> once more than <paramref name="maxBytes"/> were read.
    /// </summary>
    public async Task<long> CopyAsync(Stream content, FileStream file, long maxBytes, Action<byte[], int>? alsoEach,
        CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long length = 0;
            while (true)
            {
                var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, ChunkBytes), ChunkBytes, throwOnEndOfStream: false,
                    cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    break;
                length += read;
                if (length > maxBytes)
                    throw new BlobTooLargeException(maxBytes);
                await WaitTurnAsync(read, cancellationToken).ConfigureAwait(false);
                await lane.RunAsync(() =>
                {
                    alsoEach?.Invoke(buffer, read);
                    file.Write(buffer, 0, read);
                }).ConfigureAwait(false);
                if (read < ChunkBytes)
                    break;
            }
            return length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Task WaitTurnAsync(int bytes, CancellationToken cancellationToken)
    {
        if (bytesPerSecond <= 0)
            return Task.CompletedTask;
        var cost = (long)(bytes / bytesPerSecond * time.TimestampFrequency);
        long start, now;
        lock (_gate)
        {
            now = time.GetTimestamp();
            start = Math.Max(_free, now);
            _free = start + cost;
        }
        return start <= now ? Task.CompletedTask : Task.Delay(time.GetElapsedTime(now, start), time, cancellationToken);
    }
}
