using Microsoft.Extensions.Time.Testing;
using Parley.Core.Storage;
using Parley.Server.Files;
using Parley.Server.Hosting;
using Parley.Tests.Support;

namespace Parley.Tests.Files;

public sealed class UploadLaneTests : IDisposable
{
    private const int Chunk = 64 * 1024;
    private readonly string _directory = Directory.CreateTempSubdirectory("parley-lane-").FullName;
    private readonly FakeTimeProvider _time = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_copy_waits_for_the_budget_chunk_by_chunk()
    {
        // One chunk a second: the first goes at once, each next one a second after the one before.
        var lane = new UploadLane(new LowPriorityLane("test-files", 1), Chunk, _time);
        var path = Path.Combine(_directory, "paced");
        var content = Enumerable.Range(0, 3 * Chunk).Select(i => (byte)i).ToArray();
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0))
        {
            var copy = lane.CopyAsync(new MemoryStream(content), file, maxBytes: long.MaxValue, alsoEach: null, default);

            await Until.TrueAsync(() => new FileInfo(path).Length == Chunk, "the first chunk is written at once");
            await Task.Delay(200);
            Assert.Equal(Chunk, new FileInfo(path).Length);
            Assert.False(copy.IsCompleted);

            _time.Advance(TimeSpan.FromSeconds(1));
            await Until.TrueAsync(() => new FileInfo(path).Length == 2 * Chunk, "the second chunk after its second");
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(3L * Chunk, await copy.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Two_copies_share_one_budget()
    {
        var lane = new UploadLane(new LowPriorityLane("test-files", 2), Chunk, _time);
        await using var first = new FileStream(Path.Combine(_directory, "a"), FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        await using var second = new FileStream(Path.Combine(_directory, "b"), FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);

        var a = lane.CopyAsync(new MemoryStream(new byte[Chunk]), first, long.MaxValue, null, default);
        var b = lane.CopyAsync(new MemoryStream(new byte[Chunk]), second, long.MaxValue, null, default);

        // Whichever came first took the second's worth; the other waits for it.
        await Until.TrueAsync(() => a.IsCompleted || b.IsCompleted, "one copy goes at once");
        await Task.Delay(200);
        Assert.False(a.IsCompleted && b.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAll(a, b).WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task An_unpaced_lane_copies_at_once_and_still_refuses_a_file_over_its_limit()
    {
        var lane = UploadLane.Unpaced("test-files");
        await using var file = new FileStream(Path.Combine(_directory, "big"), FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);

        var tooLarge = await Assert.ThrowsAsync<BlobTooLargeException>(() =>
            lane.CopyAsync(new MemoryStream(new byte[3 * Chunk]), file, maxBytes: 2 * Chunk, null, default));

        Assert.Equal(2 * Chunk, tooLarge.MaxBytes);
    }

    [Fact]
    public async Task A_copy_waiting_for_its_turn_stops_when_cancelled()
    {
        var lane = new UploadLane(new LowPriorityLane("test-files", 1), Chunk, _time);
        await using var file = new FileStream(Path.Combine(_directory, "cut"), FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        using var cut = new CancellationTokenSource();

        var copy = lane.CopyAsync(new MemoryStream(new byte[2 * Chunk]), file, long.MaxValue, null, cut.Token);
        await Until.TrueAsync(() => file.Length == Chunk, "the first chunk is written");
        await cut.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => copy.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
