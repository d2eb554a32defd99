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
    private readonly UploadLane _lane;

    /// <param name="lane">Where blobs are written and hashed; by default an unpaced lane of the store's own.</param>
    public DirectoryBlobStore(string root, UploadLane? lane = null)
    {
        Root = Path.GetFullPath(root);
        _lane = lane ?? UploadLane.Unpaced();
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
            long length;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                length = await _lane.CopyAsync(content, file, maxBytes, (chunk, count) => sha.AppendData(chunk, 0, count),
                    cancellationToken).ConfigureAwait(false);
                hash = Convert.ToHexStringLower(sha.GetHashAndReset());
                // On disk before it has its name: a blob that exists is whole, even after a power cut.
                await _lane.RunAsync(() => file.Flush(flushToDisk: true)).ConfigureAwait(false);
            }
            Place(temp, PathOf(hash));
            return new BlobInfo(hash, length);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Renames a complete temporary file to its blob's name; if the blob is kept already (the same
    /// bytes), marks it put now instead, so that a sweep leaves it. A sweep may move the blob
    /// aside between the two steps: then the rename is tried again.
    /// </summary>
    private static void Place(string temp, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                File.Move(temp, path, overwrite: false);
                return;
            }
            catch (IOException) when (File.Exists(path))
            {
                try
                {
                    File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
                    return;
                }
                catch (FileNotFoundException) when (attempt < 3)
                {
                }
            }
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

    public async Task<bool> DeleteUnusedAsync(string hash, DateTimeOffset putBefore, Func<Task<bool>> isReferenced)
    {
        if (!IsHash(hash))
            return false;
        var path = PathOf(hash);
        // Set aside first: from now on a put of the same bytes writes the blob anew, and one that
        // came before has marked it (its time) before it named it in the store.
        var aside = Path.Combine(TempDirectory, $"{AsidePrefix}{hash}-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}-{Guid.NewGuid():N}");
        try
        {
            File.Move(path, aside);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        if (File.GetLastWriteTimeUtc(aside) < putBefore.UtcDateTime && !await isReferenced().ConfigureAwait(false))
        {
            File.Delete(aside);
            return true;
        }
        try
        {
            File.Move(aside, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Put anew meanwhile: the same bytes.
            File.Delete(aside);
        }
        return false;
    }

    /// <summary>
    /// Deletes temporary files older than <paramref name="before"/> (uploads cut off by a crash),
    /// and puts back blobs a sweep set aside (<see cref="DeleteUnusedAsync"/>) before then and never
    /// finished with, a process killed meanwhile: the next sweep judges them again.
    /// </summary>
    public int DeleteTemporaryFiles(DateTimeOffset before)
    {
        var deleted = 0;
        foreach (var path in Directory.EnumerateFiles(TempDirectory))
        {
            var name = Path.GetFileName(path);
            if (name.StartsWith(AsidePrefix, StringComparison.Ordinal))
            {
                // sweep-HASH-SECONDS-GUID: set aside at SECONDS (its own time is the blob's).
                var parts = name[AsidePrefix.Length..].Split('-');
                if (parts.Length == 3 && IsHash(parts[0]) && long.TryParse(parts[1], out var seconds)
                    && DateTimeOffset.FromUnixTimeSeconds(seconds) < before)
                {
                    try
                    {
                        File.Move(path, PathOf(parts[0]), overwrite: false);
                    }
                    catch (IOException) when (File.Exists(PathOf(parts[0])))
                    {
                        File.Delete(path);
                    }
                }
                continue;
            }
            if (File.GetLastWriteTimeUtc(path) < before.UtcDateTime)
            {
                File.Delete(path);
                deleted++;
            }
        }
        return deleted;
    }

    /// <summary>How the name of a blob set aside by a sweep begins, in <see cref="TempDirectory"/>.</summary>
    private const string AsidePrefix = "sweep-";

    private string PathOf(string hash) => Path.Combine(Root, hash[..2], hash[2..4], hash);

    private static bool IsHash(string name) => name.Length == 64 && name.All(char.IsAsciiHexDigitLower);
}
