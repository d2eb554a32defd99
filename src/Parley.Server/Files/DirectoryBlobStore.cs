using System.Security.Cryptography;
using Parley.Core.Storage;

namespace Parley.Server.Files;

/// <summary>
/// Blobs as files under one directory, named by their SHA-256 (<c>ab/cd/abcd…</c>, so no folder
/// holds more than a few thousand). A blob is written to <c>tmp/</c>, flushed to disk, and only
/// then renamed into place: a crash mid-write leaves a temporary file (swept later), never a blob
/// with part of its bytes. Several nodes may share the directory (a shared volume): a rename is
/// atomic, and two nodes writing the same blob write the same bytes.
/// </summary>
public sealed class DirectoryBlobStore : IBlobStore
{
    private const int CopyBufferBytes = 81_920;

    public DirectoryBlobStore(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(TempDirectory);
    }

    public string Root { get; }

    /// <summary>Where blobs are written before they are complete.</summary>
    public string TempDirectory => Path.Combine(Root, "tmp");

    public async Task<BlobInfo> PutAsync(Stream content, long maxBytes, CancellationToken cancellationToken = default)
    {
        var temp = Path.Combine(TempDirectory, Guid.NewGuid().ToString("N"));
        try
        {
            string hash;
            long length = 0;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
                try
                {
                    int read;
                    while ((read = await content.ReadAsync(buffer.AsMemory(0, CopyBufferBytes), cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        length += read;
                        if (length > maxBytes)
                            throw new BlobTooLargeException(maxBytes);
                        sha.AppendData(buffer, 0, read);
                        await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                }
                hash = Convert.ToHexStringLower(sha.GetHashAndReset());
                // On disk before it has its name: a blob that exists is whole, even after a power cut.
                file.Flush(flushToDisk: true);
            }
            var path = PathOf(hash);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Kept already (the same bytes): mark it put now, so a sweep running meanwhile leaves it.
                File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            }
            return new BlobInfo(hash, length);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public Stream? OpenRead(string hash)
    {
        if (!IsHash(hash))
            return null;
        try
        {
            return new FileStream(PathOf(hash), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.Asynchronous);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public IEnumerable<(string Hash, DateTimeOffset LastPut)> List()
    {
        foreach (var path in Directory.EnumerateFiles(Root, "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 2 }))
        {
            var name = Path.GetFileName(path);
            if (IsHash(name) && path == PathOf(name))
                yield return (name, File.GetLastWriteTimeUtc(path));
        }
    }

    public bool Delete(string hash)
    {
        if (!IsHash(hash) || !File.Exists(PathOf(hash)))
            return false;
        File.Delete(PathOf(hash));
        return true;
    }

    /// <summary>Deletes temporary files older than <paramref name="before"/>: uploads cut off by a crash.</summary>
    public int DeleteTemporaryFiles(DateTimeOffset before)
    {
        var deleted = 0;
        foreach (var path in Directory.EnumerateFiles(TempDirectory))
        {
            if (File.GetLastWriteTimeUtc(path) < before.UtcDateTime)
            {
                File.Delete(path);
                deleted++;
            }
        }
        return deleted;
    }

    private string PathOf(string hash) => Path.Combine(Root, hash[..2], hash[2..4], hash);

    private static bool IsHash(string name) => name.Length == 64 && name.All(char.IsAsciiHexDigitLower);
}
