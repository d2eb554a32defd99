using Parley.Core.Cluster;
using Parley.Core.Model;

namespace Parley.Core.Hub;

/// <summary>
/// Keeps one conversation's messages in seq order, each once, on their way to this node's sessions.
///
/// Local sends: the backplane numbers appends in call order, but their completions (durable
/// commits) may race; a FIFO of pending appends hands each on only after every earlier one has
/// been handed on or has failed.
///
/// Messages from other nodes are merged by seq. One that arrives ahead of a missing earlier seq
/// waits until the gap fills; if it has not filled after <c>gapTimeout</c> (the backplane lost
/// it, e.g. while reconnecting), the missing ones are fetched from the store, and what the store
/// does not have either (a failed commit) is skipped. A seq already delivered is dropped.
/// Delivery only queues bytes on sessions and never blocks, so it runs under the lock.
///
/// The order starts from a baseline: the conversation's last seq when this node began to follow
/// it (0 for a new conversation). Until the baseline is known, everything waits.
///
/// A reply is completed by <c>prepare</c> before it is handed on (the id of the message it answers,
/// read from the store, for IRC's <c>+reply</c>): a local one once appended, inside the FIFO, so
/// nothing sent after it overtakes it; another node's before it is merged, so what follows waits
/// for it as for a gap (a lookup slower than <c>gapTimeout</c> loses to the gap's fetch from the
/// store, which completes replies too). A lookup that fails leaves the reply as it is.
/// </summary>
internal sealed class ConversationSequencer(
    TimeProvider time,
    TimeSpan gapTimeout,
    Func<long, long, Task<IReadOnlyList<StoredMessage>>> fetchBetween,
    Func<Task<long>> lastStoredSeq,
    Action<StoredMessage, Session?> deliver,
    Func<StoredMessage, Task<StoredMessage>>? prepare = null,
    Diagnostics.ChatMetrics? metrics = null)
{
    private readonly Lock _gate = new();
    private readonly Queue<(Task<StoredMessage> Append, Session? Origin)> _pending = new();
    private bool _closed;
    private readonly SortedDictionary<long, (StoredMessage Message, Session? Origin)> _early = [];
    private long _lastDelivered = -1;
    private ITimer? _gapTimer;
    private Task? _baseline;

    /// <summary>
    /// Loads the baseline from the store, once; later calls return the same task. A message
    /// already waiting when it arrives is never dropped: the baseline stops short of it.
    /// </summary>
    public Task EnsureBaselineAsync()
    {
        lock (_gate)
            return _baseline ??= LoadBaselineAsync();
    }

    /// <summary>For a conversation known to be new (or whose baseline is known): no store read.</summary>
    public void SetBaseline(long lastSeq)
    {
        lock (_gate)
        {
            _baseline ??= Task.CompletedTask;
            if (_lastDelivered < 0)
                StartFrom(lastSeq);
        }
    }

    private async Task LoadBaselineAsync()
    {
        await Task.Yield();
        long last;
        try
        {
            last = await lastStoredSeq().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            last = -1;
        }
        lock (_gate)
        {
            if (_lastDelivered >= 0)
                return;
            if (last < 0 && _early.Count == 0)
            {
                // The store could not say; the next call tries again.
                _baseline = null;
                return;
            }
            StartFrom(last);
        }
    }

    /// <summary>Call under the lock.</summary>
    private void StartFrom(long lastSeq)
    {
        _lastDelivered = _early.Count > 0 ? Math.Min(lastSeq < 0 ? long.MaxValue : lastSeq, _early.Keys.First() - 1) : Math.Max(lastSeq, 0);
        DrainEarly();
        if (_early.Count > 0)
            _gapTimer ??= time.CreateTimer(_ => _ = FillGapAsync(), null, gapTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The last seq handed to sessions, or -1 before the first.</summary>
    public long LastDelivered
    {
        get
        {
            lock (_gate)
                return _lastDelivered;
        }
    }

    /// <summary>Stores a message sent on this node; once durable it is delivered to every session here but <paramref name="origin"/> (none for a system line).</summary>
    public Task<StoredMessage> AppendAsync(IBackplane backplane, NewMessage message, Session? origin) =>
        TryAppend(backplane, message, origin) ?? throw new InvalidOperationException($"the conversation {message.Conversation} is closed");

    /// <summary>
    /// <see cref="AppendAsync"/>, or null once <see cref="Close"/> was called: the message is not
    /// stored. A conversation's store numbering happens under the same lock, so every append this
    /// accepted is in the store's queue before anything done after <see cref="Close"/>.
    /// </summary>
    public Task<StoredMessage>? TryAppend(IBackplane backplane, NewMessage message, Session? origin)
    {
        _ = EnsureBaselineAsync();
        Task<StoredMessage> append;
        lock (_gate)
        {
            if (_closed)
                return null;
            append = backplane.AppendAsync(message);
            if (prepare is not null && message.ReplyTo is not null)
                append = PrepareAfterAsync(append);
            _pending.Enqueue((append, origin));
        }
        return CompleteAsync(append);
    }

    private async Task<StoredMessage> CompleteAsync(Task<StoredMessage> append)
    {
        try
        {
            return await append.ConfigureAwait(false);
        }
        finally
        {
            DeliverCompleted();
        }
    }

    /// <summary>Takes no more appends (the room is being deleted); those accepted before still complete.</summary>
    public void Close()
    {
        lock (_gate)
            _closed = true;
    }

    /// <summary>A message another node stored, or one fetched from the store to fill a gap.</summary>
    public void OfferRemote(StoredMessage message)
    {
        if (prepare is not null && message is { ReplyTo: not null, ReplyToId: null })
        {
            _ = OfferPreparedAsync(message);
            return;
        }
        lock (_gate)
            DeliverInOrder(message, origin: null);
        _ = EnsureBaselineAsync();
    }

    private async Task OfferPreparedAsync(StoredMessage message)
    {
        message = await PrepareAsync(message).ConfigureAwait(false);
        lock (_gate)
            DeliverInOrder(message, origin: null);
        _ = EnsureBaselineAsync();
    }

    private async Task<StoredMessage> PrepareAfterAsync(Task<StoredMessage> append) =>
        await PrepareAsync(await append.ConfigureAwait(false)).ConfigureAwait(false);

    private async Task<StoredMessage> PrepareAsync(StoredMessage message)
    {
        try
        {
            return await prepare!(message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store is away: the reply goes out without the id rather than not at all.
            return message;
        }
    }

    private void DeliverCompleted()
    {
        lock (_gate)
        {
            while (_pending.TryPeek(out var head) && head.Append.IsCompleted)
            {
                _pending.Dequeue();
                if (head.Append.IsCompletedSuccessfully)
                {
                    metrics?.MessageStored();
                    DeliverInOrder(head.Append.Result, head.Origin);
                }
            }
        }
    }

    /// <summary>Call under the lock.</summary>
    private void DeliverInOrder(StoredMessage message, Session? origin)
    {
        var seq = message.Seq;
        if (_lastDelivered < 0)
        {
            // No baseline yet: wait for it (the caller has started loading it).
            _early[seq] = (message, origin);
            return;
        }
        if (seq <= _lastDelivered)
            return;
        if (seq > _lastDelivered + 1)
        {
            _early[seq] = (message, origin);
            _gapTimer ??= time.CreateTimer(_ => _ = FillGapAsync(), null, gapTimeout, Timeout.InfiniteTimeSpan);
            return;
        }
        deliver(message, origin);
        _lastDelivered = seq;
        DrainEarly();
    }

    private void DrainEarly()
    {
        while (_early.Remove(_lastDelivered + 1, out var next))
        {
            deliver(next.Message, next.Origin);
            _lastDelivered++;
        }
        if (_early.Count == 0)
            StopGapTimer();
    }

    /// <summary>Gaps did not fill in time: fetch what is missing from the store, deliver, and move on.</summary>
    private async Task FillGapAsync()
    {
        long after, upTo;
        lock (_gate)
        {
            if (_early.Count == 0 || _lastDelivered < 0)
            {
                StopGapTimer();
                return;
            }
            (after, upTo) = (_lastDelivered, _early.Keys.Last());
        }
        IReadOnlyList<StoredMessage> found = [];
        try
        {
            found = await fetchBetween(after, upTo).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store is away too: skip the gaps rather than hold the conversation up.
        }
        lock (_gate)
        {
            foreach (var message in found.Where(m => m.Seq > _lastDelivered && m.Seq < upTo && !_early.ContainsKey(m.Seq)))
                _early[message.Seq] = (message, null);
            // Up to the snapshot, whatever is still missing does not exist (a failed commit): skip it.
            while (_early.Count > 0 && _early.Keys.First() <= upTo)
            {
                var (seq, next) = _early.First();
                _early.Remove(seq);
                deliver(next.Message, next.Origin);
                _lastDelivered = seq;
                DrainEarly();
            }
            StopGapTimer();
            // Messages that arrived ahead of a new gap meanwhile get their own full wait.
            if (_early.Count > 0)
                _gapTimer = time.CreateTimer(_ => _ = FillGapAsync(), null, gapTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void StopGapTimer()
    {
        _gapTimer?.Dispose();
        _gapTimer = null;
    }
}
