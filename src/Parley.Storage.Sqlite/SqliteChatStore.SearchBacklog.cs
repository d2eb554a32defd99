using Parley.Core.Storage;

namespace Parley.Storage.Sqlite;

/// <summary>
/// The search index follows the messages in the background. An entry costs about 100 µs of the
/// writer's time (the trigrams of a text), ten times what the rest of a send costs: written with
/// each send, it cut stored messages/s in 1,000 rooms from 129,000 to 8,800. So sends write
/// none. Every <see cref="IndexInterval"/>, when messages came in, one writer job indexes rows
/// past a mark (<c>search_state</c>, a rowid: rows are appended in rowid order), as many as the
/// load leaves room for: a server that stored more than <see cref="BusyPerTick"/> messages since
/// the last tick is busy and indexes nothing (its sends keep the writer); a quiet one indexes up
/// to <see cref="QuietBatchRows"/> rows a tick, a lightly loaded one <see cref="LightBatchRows"/>.
/// A search first indexes what is left (up to <see cref="SearchCatchUpRows"/> rows), so it finds
/// what was said a moment ago; past that, after a long busy spell, it finds what is indexed.
/// </summary>
public sealed partial class SqliteChatStore
{
    private static readonly TimeSpan IndexInterval = TimeSpan.FromMilliseconds(250);
    private const int BusyPerTick = 500;
    private const int QuietPerTick = 50;
    private const int LightBatchRows = 100;
    private const int QuietBatchRows = 300;
    private const int SearchCatchUpRows = 2000;

    // Rows of messages up to this rowid have their entries. The writer's thread changes it.
    private long _indexedUpTo;
    // Messages stored since the indexer last looked; 0 lets an idle server's timer do nothing.
    private long _unindexed;
    // Messages stored since the last tick: how busy the writer is.
    private long _arrivedSinceTick;
    private int _indexing;
    private Timer? _indexTimer;

    private static long ReadIndexedUpTo(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        using var command = Query(connection, "SELECT indexed_rowid FROM search_state");
        return Convert.ToInt64(command.ExecuteScalar() ?? 0L);
    }

    private void StartIndexing() => _indexTimer = new Timer(_ => _ = IndexTickAsync(), null, IndexInterval, IndexInterval);

    private void StopIndexing()
    {
        _indexTimer?.Dispose();
        _indexTimer = null;
    }

    /// <summary>A message was stored: the indexer has work at its next tick.</summary>
    private void NoteUnindexed()
    {
        Interlocked.Increment(ref _unindexed);
        Interlocked.Increment(ref _arrivedSinceTick);
    }

    private async Task IndexTickAsync()
    {
        var arrived = Interlocked.Exchange(ref _arrivedSinceTick, 0);
        if (arrived > BusyPerTick || Interlocked.Read(ref _unindexed) == 0 || Interlocked.Exchange(ref _indexing, 1) == 1)
            return;
        try
        {
            await IndexBacklogAsync(arrived > QuietPerTick ? LightBatchRows : QuietBatchRows).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _indexing, 0);
        }
    }

    /// <summary>Indexes up to <paramref name="maxRows"/> rows past the mark in one writer job; nothing when the store is closing or the job fails (the next tick tries again).</summary>
    private async Task IndexBacklogAsync(int maxRows)
    {
        if (_writer is not { } writer)
            return;
        try
        {
            await writer.Enqueue(w => IndexBacklog(w, maxRows)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or StoreUnavailableException)
        {
            // The job reset the count before it failed: counted again, so the next tick retries
            // even if nothing more is sent (a full disk that frees itself, with nobody talking).
            Interlocked.Increment(ref _unindexed);
        }
    }

    private bool IndexBacklog(GroupCommitWriter w, int maxRows)
    {
        // Reset first: a message stored while this runs counts for the next tick.
        Interlocked.Exchange(ref _unindexed, 0);
        var command = w.Command(
            "SELECT id, seq, ts, sender, room, recipient, text, packed, system, conv, rowid FROM messages WHERE rowid > $mark ORDER BY rowid LIMIT $max");
        command.Parameters.AddWithValue("$mark", _indexedUpTo);
        command.Parameters.AddWithValue("$max", maxRows);
        var (rows, last) = (0, _indexedUpTo);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                foreach (var message in RowMessages(reader, reader.GetString(9)))
                    _searchIndex!.Add(message);
                last = reader.GetInt64(10);
                rows++;
            }
        }
        if (rows > 0)
        {
            Run(w, "UPDATE search_state SET indexed_rowid = $mark", ("$mark", last));
            _indexedUpTo = last;
        }
        if (rows == maxRows)
            Interlocked.Increment(ref _unindexed);
        return rows < maxRows;
    }

    /// <summary>Before a search: what is not indexed yet, up to <see cref="SearchCatchUpRows"/> rows.</summary>
    private Task CatchUpIndexAsync() =>
        Interlocked.Read(ref _unindexed) == 0 ? Task.CompletedTask : IndexBacklogAsync(SearchCatchUpRows);

    /// <summary>
    /// Rows were deleted (a room): SQLite gives a new row the highest rowid plus one, so if the
    /// highest rows went, rowids at or below the mark come again and must be indexed then.
    /// </summary>
    private void ForgetDeletedRows(GroupCommitWriter w)
    {
        var highest = Convert.ToInt64(w.Command("SELECT coalesce(max(rowid), 0) FROM messages").ExecuteScalar());
        if (highest >= _indexedUpTo)
            return;
        Run(w, "UPDATE search_state SET indexed_rowid = $mark", ("$mark", highest));
        _indexedUpTo = highest;
    }

    /// <summary>A transaction rolled back: the mark is what the database says.</summary>
    private void ReloadIndexMark() => _indexedUpTo = ReadIndexedUpTo(_writerConnection!);
}
