using Microsoft.Data.Sqlite;
using Parley.Core.Model;
using Parley.Core.Storage;

namespace Parley.Storage.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode. All writes go through one
/// <see cref="GroupCommitWriter"/>; reads use pooled connections of their own, which WAL lets
/// run beside the writer.
/// </summary>
public sealed partial class SqliteChatStore : IChatStore
{
    private readonly SqliteStoreOptions _options;
    private readonly string _connectionString;
    private SqliteConnection? _writerConnection;
    private GroupCommitWriter? _writer;
    private MessageAppendStatements? _appendStatements;
    private SearchIndexStatements? _searchIndex;
    private DatabaseLock? _lock;

    public SqliteChatStore(SqliteStoreOptions options)
    {
        _options = options;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.Path,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>
    /// Writes are being refused because the disk is full (raised once, at the first refusal; each
    /// write then fails with <see cref="StoreUnavailableException"/>). Raised on the writer's
    /// thread: handlers only log.
    /// </summary>
    public event Action<Exception>? WritesRefused;

    /// <summary>A commit succeeded after <see cref="WritesRefused"/>: there is space again.</summary>
    public event Action? WritesResumed;

    private GroupCommitWriter Writer => _writer ?? throw new InvalidOperationException("InitializeAsync was not called");

    public Task InitializeAsync(string defaultRoom, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(_options.Path));
        if (directory is not null)
            Directory.CreateDirectory(directory);
        _lock = DatabaseLock.Acquire(Path.GetFullPath(_options.Path));

        _writerConnection = new SqliteConnection(_connectionString);
        _writerConnection.Open();
        Execute(_writerConnection, "PRAGMA journal_mode=WAL;");
        Execute(_writerConnection, $"PRAGMA synchronous={_options.Synchronous.ToString().ToUpperInvariant()};");
        Execute(_writerConnection, $"PRAGMA cache_size=-{_options.CacheKiB};");
        Execute(_writerConnection, $"PRAGMA wal_autocheckpoint={_options.CheckpointPages};");
        // A removed message's text (RemoveMessageAsync) is zeroed where it was, in its page or in the
        // overflow pages a packed row freed, not left in free space. It costs I/O only when something
        // is deleted or shrinks, which the send path never does.
        Execute(_writerConnection, "PRAGMA secure_delete=ON;");
        Schema.Apply(_writerConnection, now);
        using (var command = _writerConnection.CreateCommand())
        {
            command.CommandText = "INSERT OR IGNORE INTO rooms (key, name, topic, created) VALUES ($key, $name, '', $created)";
            command.Parameters.AddWithValue("$key", Names.Key(defaultRoom));
            command.Parameters.AddWithValue("$name", defaultRoom);
            command.Parameters.AddWithValue("$created", now.ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
        }
        LoadSequences(_writerConnection);
        _searchIndex = new SearchIndexStatements(_writerConnection);
        _appendStatements = new MessageAppendStatements(_writerConnection);
        _indexedUpTo = ReadIndexedUpTo(_writerConnection);
        // What the last run stored and did not index (it stopped, or crashed) is looked for at once.
        _unindexed = 1;
        var (appends, search) = (_appendStatements, _searchIndex);
        _writer = new GroupCommitWriter(_writerConnection, _options.MaxBatch, appends.Settle, () =>
        {
            appends.Forget();
            search.Forget();
            ReloadIndexMark();
        }, DurableFlusher(), _options.Metrics, spaceChanged: failure =>
        {
            if (failure is null)
                WritesResumed?.Invoke();
            else
                WritesRefused?.Invoke(failure);
        });
        StartIndexing();
        return Task.CompletedTask;
    }

    /// <summary>
    /// With <see cref="SqliteSynchronous.Full"/>, the fsync each commit needs moves to a
    /// <see cref="WalFlusher"/>: from here on the connection commits without waiting for the disk,
    /// and writes are acknowledged after the flusher's fsync. The WAL file exists by now: SQLite
    /// creates it with the first transaction in WAL mode (the schema's, synced by SQLite itself).
    /// </summary>
    private WalFlusher? DurableFlusher()
    {
        if (_options.Synchronous != SqliteSynchronous.Full)
            return null;
        var flusher = new WalFlusher(_writerConnection!.DataSource + "-wal");
        Execute(_writerConnection, "PRAGMA synchronous=NORMAL;");
        return flusher;
    }

    public async ValueTask DisposeAsync()
    {
        StopIndexing();
        if (_writer is not null)
            await _writer.DisposeAsync().ConfigureAwait(false);
        _appendStatements?.Dispose();
        _searchIndex?.Dispose();
        if (_writerConnection is not null)
            await _writerConnection.DisposeAsync().ConfigureAwait(false);
        _writer = null;
        _appendStatements = null;
        _searchIndex = null;
        _writerConnection = null;
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        // Released last, once nothing of this store can write to the file any more.
        _lock?.Dispose();
        _lock = null;
    }

    /// <summary>
    /// Whether the database answers a read now (/readyz). Throws when the store is closed or the
    /// file cannot be opened and read.
    /// </summary>
    public Task CheckAsync() => Task.Run(() =>
    {
        _ = Writer;
        using var reader = OpenReader();
        Execute(reader, "SELECT count(*) FROM sqlite_master");
    });

    private SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    internal static SqliteCommand Query(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static int Run(GroupCommitWriter writer, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = writer.Command(sql);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command.ExecuteNonQuery();
    }
}
