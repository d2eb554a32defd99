using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;

namespace Parley.Storage.Sqlite;

/// <summary>
/// Makes committed batches durable off the writer's thread. With <see cref="SqliteSynchronous.Full"/>
/// the writer's connection commits with <c>synchronous=NORMAL</c> (SQLite still syncs at
/// checkpoints and when the WAL restarts), and this loop fsyncs the WAL file; a batch's writes are
/// acknowledged only after an fsync that began after their commit. While the disk syncs one batch,
/// the writer inserts and commits the next, so the server no longer idles through every fsync.
/// </summary>
internal sealed class WalFlusher : IAsyncDisposable
{
    private readonly SafeFileHandle _wal;
    private readonly Action<SafeFileHandle> _sync;
    private readonly Channel<IReadOnlyList<GroupCommitWriter.ICommitted>> _committed =
        Channel.CreateUnbounded<IReadOnlyList<GroupCommitWriter.ICommitted>>(new() { SingleReader = true, SingleWriter = true });
    private readonly Task _loop;
    private Exception? _failure;

    /// <param name="walPath">The database's <c>-wal</c> file; SQLite never replaces it while the writer's connection is open.</param>
    public WalFlusher(string walPath) : this(walPath, RandomAccess.FlushToDisk)
    {
    }

    /// <param name="walPath">The file to sync.</param>
    /// <param name="sync">The fsync; tests replace it to hold it back or fail it, which a real disk here cannot be made to do.</param>
    internal WalFlusher(string walPath, Action<SafeFileHandle> sync)
    {
        _wal = File.OpenHandle(walPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        _sync = sync;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Hands over a committed batch; its writes complete after the next fsync.</summary>
    public void Enqueue(IReadOnlyList<GroupCommitWriter.ICommitted> batch)
    {
        if (!_committed.Writer.TryWrite(batch))
            throw new InvalidOperationException("the WAL flusher is closed");
    }

    private async Task RunAsync()
    {
        var pending = new List<IReadOnlyList<GroupCommitWriter.ICommitted>>();
        while (await _committed.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_committed.Reader.TryRead(out var batch))
                pending.Add(batch);
            try
            {
                // A failed fsync may have dropped the dirty pages: a later one that succeeds proves
                // nothing about them, so after one failure nothing is acknowledged again.
                if (_failure is null)
                    _sync(_wal);
            }
            catch (Exception ex)
            {
                _failure = ex;
            }
            foreach (var batch in pending)
                GroupCommitWriter.Finish(batch, _failure);
            pending.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _committed.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _wal.Dispose();
    }
}
