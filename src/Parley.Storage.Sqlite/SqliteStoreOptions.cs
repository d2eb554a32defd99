namespace Parley.Storage.Sqlite;

/// <summary>How SQLite waits for the disk at each commit. See docs/architecture.md for what each can lose.</summary>
public enum SqliteSynchronous
{
    /// <summary>Every commit is fsynced: a power cut loses nothing acknowledged. The default.</summary>
    Full,
    /// <summary>WAL is fsynced only at checkpoints: survives a killed process, a power cut may lose the last commits.</summary>
    Normal,
    /// <summary>Never fsyncs: survives a killed process only. For benchmarks and throwaway servers.</summary>
    Off,
}

public sealed class SqliteStoreOptions
{
    /// <summary>The database file; its directory is created when missing.</summary>
    public required string Path { get; init; }

    public SqliteSynchronous Synchronous { get; init; } = SqliteSynchronous.Full;

    /// <summary>Where each group commit's time is recorded (<see cref="Parley.Core.Diagnostics.ChatMetrics.StoreCommitted"/>); nowhere when null.</summary>
    public Parley.Core.Diagnostics.ChatMetrics? Metrics { get; init; }

    /// <summary>Most writes committed in one transaction (group commit).</summary>
    public int MaxBatch { get; init; } = 2048;

    /// <summary>
    /// The writer's page cache. It holds the pages where every active conversation's index entries
    /// end (about one page each), so inserts do not read them back from the file.
    /// </summary>
    public int CacheKiB { get; init; } = 16 * 1024;

    /// <summary>
    /// WAL pages after which a commit also checkpoints. Well above one batch's pages (SQLite's
    /// default, 1,000, is less than one busy batch writes, which made every commit a checkpoint),
    /// so a page rewritten by many commits is copied to the database once.
    /// </summary>
    public int CheckpointPages { get; init; } = 16 * 1024;
}
