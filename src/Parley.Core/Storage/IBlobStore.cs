namespace Parley.Core.Storage;

/// <summary>
/// File contents, named by their SHA-256 (lowercase hex): identical files are kept once. A blob is
/// written whole or not at all: a crash while writing leaves no blob of that name.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Reads <paramref name="content"/> to its end and keeps it. Throws <see cref="BlobTooLargeException"/>
    /// (and keeps nothing) once more than <paramref name="maxBytes"/> were read.
    /// </summary>
    Task<BlobInfo> PutAsync(Stream content, long maxBytes, CancellationToken cancellationToken = default);

    /// <summary>The blob's bytes, or null when there is no such blob.</summary>
    Stream? OpenRead(string hash);

    /// <summary>Every blob with the last time it was put (an identical put counts), for sweeping.</summary>
    IEnumerable<(string Hash, DateTimeOffset LastPut)> List();

    /// <summary>
    /// Deletes the blob if it was last put before <paramref name="putBefore"/> and
    /// <paramref name="isReferenced"/>, asked once the blob is out of reach of puts, says nothing
    /// names it: a put of the same bytes racing the deletion either comes after it (and keeps the
    /// blob anew) or before (and is seen). True when deleted.
    /// </summary>
    Task<bool> DeleteUnusedAsync(string hash, DateTimeOffset putBefore, Func<Task<bool>> isReferenced);
}

/// <summary>A kept blob: its name and length.</summary>
public sealed record BlobInfo(string Hash, long Length);

/// <summary>A blob longer than its writer allowed; nothing was kept.</summary>
public sealed class BlobTooLargeException(long maxBytes) : Exception($"longer than {maxBytes} bytes")
{
    public long MaxBytes { get; } = maxBytes;
}
