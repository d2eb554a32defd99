using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;
using Parley.Storage.Sqlite;
using Parley.Tests.Support;

namespace Parley.Tests.Storage;

/// <summary>
/// The group-commit writer with a WAL flusher, on a real SQLite file: a commit is acknowledged only
/// after an fsync that began after it, never again once an fsync has failed, and what runs when a
/// write completes runs off the writer's and the flusher's threads. The fsync is held
/// back or failed by the test (a real disk here cannot be made to fail one); everything else is real.
/// </summary>
public sealed class WalFlusherTests : IAsyncLifetime
{
    private readonly string _directory = TempDirectory.Create();
    private readonly SemaphoreSlim _syncGate = new(0);
    private readonly List<SqliteConnection> _connections = [];
    private int _syncs;
    private Exception? _syncFailure;

    private string DatabasePath => Path.Combine(_directory, "w.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var connection in _connections)
            connection.Dispose();
        SqliteConnection.ClearAllPools();
        TempDirectory.Delete(_directory);
        return Task.CompletedTask;
    }

    private GroupCommitWriter NewWriter()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        connection.Open();
        _connections.Add(connection);
        SqliteChatStore.Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE IF NOT EXISTS t (v TEXT);");
        var flusher = new WalFlusher(DatabasePath + "-wal", Sync);
        return new GroupCommitWriter(connection, 64, () => { }, () => { }, flusher);
    }

    private void Sync(SafeFileHandle wal)
    {
        Assert.False(wal.IsInvalid);
        _syncGate.Wait(TimeSpan.FromSeconds(10));
        Interlocked.Increment(ref _syncs);
        if (_syncFailure is not null)
            throw _syncFailure;
        RandomAccess.FlushToDisk(wal);
    }

    private static Task<int> Insert(GroupCommitWriter writer, string value) =>
        writer.Enqueue(w =>
        {
            var command = w.Command("INSERT INTO t (v) VALUES ($v)");
            command.Parameters.AddWithValue("$v", value);
            return command.ExecuteNonQuery();
        });

    private long CountRows(string value)
    {
        using var reader = new SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        reader.Open();
        using var command = SqliteChatStore.Query(reader, "SELECT count(*) FROM t WHERE v = $v", ("$v", value));
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task A_committed_write_is_acknowledged_only_after_the_next_fsync()
    {
        var writer = NewWriter();
        var one = Insert(writer, "one");

        // Committed (another connection sees it) while its fsync is held back: not yet acknowledged.
        await Until.TrueAsync(() => CountRows("one") == 1, "the row is committed");
        Assert.False(one.IsCompleted);

        _syncGate.Release();
        Assert.Equal(1, await one.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, Volatile.Read(ref _syncs));

        _syncGate.Release(10);
        await writer.DisposeAsync();
    }

    [Fact]
    public async Task After_a_failed_fsync_nothing_is_acknowledged_even_when_later_fsyncs_succeed()
    {
        var writer = NewWriter();
        _syncFailure = new IOException("EIO from the disk");
        var lost = Insert(writer, "lost");
        _syncGate.Release();
        var failed = await Assert.ThrowsAsync<IOException>(() => lost.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("EIO from the disk", failed.Message);

        _syncFailure = null;
        _syncGate.Release(10);
        var later = Insert(writer, "later");
        var alsoFailed = await Assert.ThrowsAsync<IOException>(() => later.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Same(failed, alsoFailed);

        await writer.DisposeAsync();
    }

    [Fact]
    public async Task A_write_whose_continuation_is_slow_holds_up_neither_the_writer_nor_the_flusher()
    {
        var writer = NewWriter();
        _syncGate.Release(10);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        var first = Insert(writer, "first");
        // Runs inline wherever the write completes: on the writer's or the flusher's own thread it
        // would stop every later commit or fsync until it returned.
        var held = first.ContinueWith(_ =>
        {
            running.SetResult();
            release.Wait(TimeSpan.FromSeconds(10));
        }, TaskContinuationOptions.ExecuteSynchronously);
        await running.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, await Insert(writer, "second").WaitAsync(TimeSpan.FromSeconds(5)));

        release.Set();
        await held;
        await writer.DisposeAsync();
    }
}
