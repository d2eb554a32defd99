using Parley.Core.Storage;

namespace Parley.Server.Files;

/// <summary>An uploaded picture as kept: what it is, the blob others download, and its thumbnail's blob.</summary>
public sealed record ProcessedImage(ImageFacts Facts, BlobInfo Blob, BlobInfo Thumb);

/// <summary>
/// Pictures from upload to blobs: the upload is spooled to a temporary file (decoders need to
/// seek), then <see cref="ImageProcessor"/> makes the copy others download and its thumbnail, a
/// few at a time (<paramref name="concurrency"/>): decoding a photo takes tens of megabytes for a
/// moment, and a hundred at once must not take the server's memory or every core. Spooling and
/// processing run on <paramref name="lane"/>, below chat, as blob writes do.
/// </summary>
public sealed class ImageWork(IBlobStore blobs, string tempDirectory, ImageProcessor processor, int concurrency, UploadLane lane)
{
    private readonly SemaphoreSlim _slots = new(concurrency, concurrency);

    public async Task<ProcessedImage> ProcessAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(tempDirectory);
        var input = Path.Combine(tempDirectory, Guid.NewGuid().ToString("N") + ".in");
        var output = Path.Combine(tempDirectory, Guid.NewGuid().ToString("N") + ".out");
        try
        {
            await SpoolAsync(content, input, maxBytes, cancellationToken).ConfigureAwait(false);
            using var thumbnail = new MemoryStream();
            ImageFacts facts;
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await using var file = new FileStream(output, FileMode.CreateNew, FileAccess.Write);
                facts = await lane.RunAsync(() => processor.Process(input, file, thumbnail)).ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }
            BlobInfo blob;
            await using (var processed = File.OpenRead(output))
                blob = await blobs.PutAsync(processed, long.MaxValue, cancellationToken).ConfigureAwait(false);
            thumbnail.Position = 0;
            var thumb = await blobs.PutAsync(thumbnail, long.MaxValue, cancellationToken).ConfigureAwait(false);
            return new ProcessedImage(facts, blob, thumb);
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }

    private async Task SpoolAsync(Stream content, string path, long maxBytes, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        await lane.CopyAsync(content, file, maxBytes, alsoEach: null, cancellationToken).ConfigureAwait(false);
    }
}
