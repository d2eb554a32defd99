using System.Security.Cryptography;
using Parley.Core.Storage;
using Parley.Server.Files;
using Parley.Tests.Support;

namespace Parley.Tests.Storage;

/// <summary>What every <see cref="IBlobStore"/> must do; each implementation subclasses this once.</summary>
public abstract class BlobStoreContract : IDisposable
{
    protected readonly string Directory = TempDirectory.Create();

    private IBlobStore? _store;

    protected IBlobStore Store => _store ??= CreateStore(Directory);

    protected abstract IBlobStore CreateStore(string directory);

    public void Dispose()
    {
        TempDirectory.Delete(Directory);
        GC.SuppressFinalize(this);
    }

    private static byte[] Bytes(int length, int seed) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7 + seed))];

    private async Task<byte[]> ReadAsync(string hash)
    {
        await using var stream = Store.OpenRead(hash)!;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task A_blob_is_named_by_its_sha256_and_identical_bytes_are_kept_once()
    {
        var bytes = Bytes(200_000, 1);
        var first = await Store.PutAsync(new MemoryStream(bytes), long.MaxValue);
        Assert.Equal((Convert.ToHexStringLower(SHA256.HashData(bytes)), 200_000L), (first.Hash, first.Length));
        Assert.Equal(bytes, await ReadAsync(first.Hash));

        var again = await Store.PutAsync(new MemoryStream(bytes), long.MaxValue);
        var other = await Store.PutAsync(new MemoryStream(Bytes(10, 2)), long.MaxValue);
        Assert.Equal(first, again);
        Assert.Equal(new[] { first.Hash, other.Hash }.Order(StringComparer.Ordinal), Store.List().Select(b => b.Hash).Order(StringComparer.Ordinal));
        Assert.Null(Store.OpenRead(new string('0', 64)));
        Assert.Null(Store.OpenRead("../../etc/passwd"));
    }

    [Fact]
    public async Task A_blob_longer_than_allowed_is_refused_and_nothing_is_kept()
    {
        var refused = await Assert.ThrowsAsync<BlobTooLargeException>(() => Store.PutAsync(new MemoryStream(Bytes(1001, 3)), maxBytes: 1000));
        Assert.Equal(1000, refused.MaxBytes);
        Assert.Empty(Store.List());
        var kept = await Store.PutAsync(new MemoryStream(Bytes(1000, 3)), maxBytes: 1000);
        Assert.Equal(1000, kept.Length);
    }

    [Fact]
    public async Task An_unused_old_blob_is_deleted_and_a_named_or_recent_one_or_one_put_again_meanwhile_stays()
    {
        var old = await Store.PutAsync(new MemoryStream(Bytes(100, 4)), long.MaxValue);
        var named = await Store.PutAsync(new MemoryStream(Bytes(100, 5)), long.MaxValue);
        var future = DateTimeOffset.UtcNow.AddMinutes(1);

        Assert.False(await Store.DeleteUnusedAsync(named.Hash, future, () => Task.FromResult(true)));
        Assert.False(await Store.DeleteUnusedAsync(old.Hash, DateTimeOffset.UtcNow.AddMinutes(-1), () => Task.FromResult(false)));
        Assert.Equal(2, Store.List().Count());

        // An upload of the same bytes while the deletion asks the store: it keeps the blob anew.
        var racing = await Store.DeleteUnusedAsync(old.Hash, future, async () =>
        {
            await Store.PutAsync(new MemoryStream(Bytes(100, 4)), long.MaxValue);
            return false;
        });
        Assert.True(racing);
        Assert.Equal(Bytes(100, 4), await ReadAsync(old.Hash));

        Assert.True(await Store.DeleteUnusedAsync(old.Hash, future, () => Task.FromResult(false)));
        Assert.Null(Store.OpenRead(old.Hash));
        Assert.False(await Store.DeleteUnusedAsync(old.Hash, future, () => Task.FromResult(false)));
        Assert.Equal([named.Hash], Store.List().Select(b => b.Hash));
    }
}

public sealed class DirectoryBlobStoreTests : BlobStoreContract
{
    protected override IBlobStore CreateStore(string directory) => new DirectoryBlobStore(directory);

    [Fact]
    public async Task A_blob_a_killed_sweep_left_aside_is_put_back_and_crash_leftovers_are_deleted()
    {
        var store = (DirectoryBlobStore)Store;
        var blob = await store.PutAsync(new MemoryStream([1, 2, 3]), long.MaxValue);
        var path = Path.Combine(store.Root, blob.Hash[..2], blob.Hash[2..4], blob.Hash);
        var aside = Path.Combine(store.TempDirectory, $"sweep-{blob.Hash}-{DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds()}-{Guid.NewGuid():N}");
        File.Move(path, aside);
        var cutOff = Path.Combine(store.TempDirectory, Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(cutOff, [9, 9]);
        File.SetLastWriteTimeUtc(cutOff, DateTime.UtcNow.AddHours(-2));

        Assert.Equal(1, store.DeleteTemporaryFiles(DateTimeOffset.UtcNow.AddHours(-1)));

        Assert.True(File.Exists(path));
        Assert.Empty(System.IO.Directory.EnumerateFiles(store.TempDirectory));
    }
}
