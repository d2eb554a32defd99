using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Parley.Core.Diagnostics;

namespace Parley.Storage.Sqlite;

/// <summary>
/// The only writer of the database. Writes queue here and are committed together: everything
/// queued while one transaction commits goes into the next one, so a burst of concurrent sends
/// costs one fsync instead of one each. A write's task completes only after its commit (and, with a
/// <see cref="WalFlusher"/>, after the fsync that followed it).
/// </summary>
internal sealed class GroupCommitWriter : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly int _maxBatch;
    private readonly Channel<IWrite> _queue = Channel.CreateUnbounded<IWrite>(new() { SingleReader = true });
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Action _settle;
    private readonly Action _forget;
    private readonly WalFlusher? _flusher;
    private readonly ChatMetrics? _metrics;
    private readonly Action<Exception?>? _spaceChanged;
    private readonly Task _loop;
    private SqliteTransaction? _transaction;
    // Owned by the loop: whether writes are being refused for want of disk space (told once).
    private bool _diskFull;

    /// <param name="settle">
    /// Completes what deferred writes left for the end of the transaction: runs before the commit,
    /// and before any write that is not deferred (it may read what they left).
    /// </param>
    /// <param name="forget">A transaction rolled back: drop what <paramref name="settle"/> would have written.</param>
    /// <param name="flusher">When set, commits do not wait for the disk: a committed batch goes to the flusher, whose fsync completes it.</param>
    /// <param name="metrics">Times each batch from its transaction's start until it is durable (its fsync done, with a flusher).</param>
    /// <param name="spaceChanged">
    /// Told, from the writer's loop, when a batch is first refused for want of disk space (with the
    /// failure) and when a commit that changed rows succeeds after that (null): once per episode, not per write.
    /// </param>
    public GroupCommitWriter(SqliteConnection connection, int maxBatch, Action settle, Action forget, WalFlusher? flusher, ChatMetrics? metrics = null,
        Action<Exception?>? spaceChanged = null)
    {
        _spaceChanged = spaceChanged;
        _metrics = metrics;
        _connection = connection;
        _maxBatch = maxBatch;
        _settle = settle;
        _forget = forget;
        _flusher = flusher;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues work to run inside the next transaction. Synchronous, so callers can order writes under their own lock.</summary>
    public Task<T> Enqueue<T>(Func<GroupCommitWriter, T> work) => Enqueue(new FuncWrite<T>(work));

    /// <summary>As <see cref="Enqueue{T}(Func{GroupCommitWriter, T})"/>, for a write that is its own task (one object per write).</summary>
    public Task<T> Enqueue<T>(Write<T> write)
    {
        if (!_queue.Writer.TryWrite(write))
            throw new ObjectDisposedException(nameof(SqliteChatStore), "the store is closed");
        return write.Task;
    }

    /// <summary>A prepared command for <paramref name="sql"/>, reused across batches, bound to the open transaction.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }
        command.Transaction = _transaction;
        command.Parameters.Clear();
        return command;
    }

    private async Task RunAsync()
    {
        var batch = new List<IWrite>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var write))
                batch.Add(write);
            var started = Stopwatch.GetTimestamp();
            // Only a batch that changed rows proves there is space again: a read-only one (the
            // search index finding nothing new) commits fine on a full disk, and taking that for
            // space would end the episode falsely and start a new one at the next refused write.
            var changesBefore = TotalChanges();
            var wroteRows = false;
            try
            {
                using (_transaction = _connection.BeginTransaction())
                {
                    foreach (var write in batch)
                    {
                        if (!write.Deferring)
                            _settle();
                        write.Run(this);
                    }
                    _settle();
                    _transaction.Commit();
                }
                wroteRows = TotalChanges() != changesBefore;
                IReadOnlyList<ICommitted> committed = _metrics is null ? batch : [.. batch, new CommitTimer(started, _metrics)];
                if (_flusher is not null)
                    _flusher.Enqueue(committed);
                else
                    Finish(committed, failure: null);
                batch = new List<IWrite>(_maxBatch);
            }
            catch (Exception ex)
            {
                // The transaction rolled back: nothing in this batch is stored, so all of it fails,
                // told before anything else can throw: a batch never told would wait for ever.
                Finish(batch, Refused(ex));
                batch = new List<IWrite>(_maxBatch);
                try
                {
                    _forget();
                }
                catch (Exception)
                {
                    // It reloads marks with a read on a connection that just failed; the loop must
                    // go on regardless (the next batch fails or succeeds on its own).
                }
            }
            finally
            {
                _transaction = null;
            }
            // Told after the batch is handed on, outside the try: the commit stands whatever a handler does.
            if (_diskFull && wroteRows)
            {
                _diskFull = false;
                TellSpaceChanged(null);
            }
        }
    }

    /// <summary>Rows inserted, updated or deleted on this connection since it opened (it may wrap: compare for equality only).</summary>
    private int TotalChanges() => SQLitePCL.raw.sqlite3_total_changes(_connection.Handle);

    /// <summary>
    /// What a failed batch's writes fail with: the failure itself, or for a disk that is full a
    /// <see cref="Parley.Core.Storage.StoreUnavailableException"/>, which clients see as <c>unavailable</c>.
    /// SQLite has rolled the transaction back and the next batch starts afresh, so nothing is to
    /// be repaired when space returns.
    /// </summary>
    private Exception Refused(Exception ex)
    {
        if (!DiskFull.Is(ex))
            return ex;
        if (!_diskFull)
        {
            _diskFull = true;
            TellSpaceChanged(ex);
        }
        return DiskFull.Refusal(ex);
    }

    // A handler only logs; one that throws must not stop the writer's loop.
    private void TellSpaceChanged(Exception? failure)
    {
        try
        {
            _spaceChanged?.Invoke(failure);
        }
        catch (Exception)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        if (_flusher is not null)
            await _flusher.DisposeAsync().ConfigureAwait(false);
        foreach (var command in _commands.Values)
            command.Dispose();
    }

    /// <summary>
    /// Completes a batch's writes, or fails them all, on one thread-pool work item. The writes'
    /// continuations run there, one after another: queued one work item each, they cost more than
    /// what most of them do (hand a message to the sessions of its conversation).
    /// </summary>
    internal static void Finish(IReadOnlyList<ICommitted> batch, Exception? failure) =>
        ThreadPool.UnsafeQueueUserWorkItem(static state =>
        {
            foreach (var write in state.Batch)
            {
                if (state.Failure is null)
                    write.Complete();
                else
                    write.Fail(state.Failure);
            }
        }, (Batch: batch, Failure: failure), preferLocal: false);

    /// <summary>A committed write, waiting to be told whether it is durable.</summary>
    internal interface ICommitted
    {
        void Complete();
        void Fail(Exception ex);
    }

    /// <summary>The last of a committed batch: records the batch's time once it is durable.</summary>
    private sealed class CommitTimer(long started, ChatMetrics metrics) : ICommitted
    {
        public void Complete() => metrics.StoreCommitted(Stopwatch.GetElapsedTime(started));

        public void Fail(Exception ex)
        {
        }
    }

    private interface IWrite : ICommitted
    {
        bool Deferring { get; }
        void Run(GroupCommitWriter writer);
    }

    /// <summary>A write, and the task that completes once it is committed and durable.</summary>
    /// <remarks>Continuations run synchronously: only <see cref="Finish"/> completes a write, off the writer's and flusher's threads.</remarks>
    internal abstract class Write<T>() : TaskCompletionSource<T>, IWrite
    {
        private T? _result;

        /// <summary>Runs inside the open transaction, on the writer's thread.</summary>
        protected abstract T Run(GroupCommitWriter writer);

        /// <summary>True when the write leaves part of its work to the writer's settle step.</summary>
        protected virtual bool Deferring => false;

        bool IWrite.Deferring => Deferring;

        void IWrite.Run(GroupCommitWriter writer) => _result = Run(writer);

        void ICommitted.Complete() => TrySetResult(_result!);

        void ICommitted.Fail(Exception ex) => TrySetException(ex);
    }

    private sealed class FuncWrite<T>(Func<GroupCommitWriter, T> work) : Write<T>
    {
        protected override T Run(GroupCommitWriter writer) => work(writer);
    }
}
