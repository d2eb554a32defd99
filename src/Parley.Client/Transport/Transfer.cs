using System.Buffers;

namespace Parley.Client.Transport;

/// <summary>Copying a file's bytes between streams in chunks, reporting the running total after each.</summary>
internal static class Transfer
{
    /// <summary>Big enough that a 25 MiB file is a few hundred reports, small enough to show progress on a slow link.</summary>
    private const int ChunkBytes = 64 * 1024;

    /// <summary>
    /// Copies <paramref name="from"/> to <paramref name="to"/>; after each chunk written, reports
    /// the bytes written so far. With <paramref name="maxBytes"/>, fails with <c>file_too_large</c>
    /// before writing a chunk that would go past it. Returns the bytes copied.
    /// </summary>
    public static async Task<long> CopyAsync(Stream from, Stream to, IProgress<long>? progress, long? maxBytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long copied = 0;
            int read;
            while ((read = await from.ReadAsync(buffer.AsMemory(0, ChunkBytes), cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (maxBytes is { } max && copied + read > max)
                    throw ParleyException.FileTooLarge(max, max, atLeast: true);
                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                copied += read;
                progress?.Report(copied);
            }
            return copied;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
