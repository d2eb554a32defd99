using Parley.Core.Cluster;
using Parley.Core.Model;

namespace Parley.Core.Hub;

/// <summary>
/// Keeps one conversation's messages in seq order on their way to this node's sessions.
///
/// Local sends: the backplane numbers appends in call order, but their completions (durable
/// commits) may race; a FIFO of pending appends delivers each only after every earlier one has
/// been delivered or has failed.
///
/// Messages from other nodes are merged by seq: one that arrives ahead of a missing earlier seq
/// waits until the gap fills, or at most <c>gapTimeout</c> (the earlier one may never come: a
/// failed commit, or a node that died between storing and telling). Delivery only queues bytes
/// on sessions and never blocks, so it runs under the lock.
/// </summary>
internal sealed class ConversationSequencer(TimeProvider time, TimeSpan gapTimeout)
{
    private readonly Lock _gate = new();
    private readonly Queue<(Task<StoredMessage> Append, Action<StoredMessage> Deliver)> _pending = new();
    private readonly SortedDictionary<long, Action> _early = [];
    private long _lastDelivered = -1;
    private ITimer? _gapTimer;

    public async Task<StoredMessage> AppendAsync(IBackplane backplane, NewMessage message, Action<StoredMessage> deliver)
    {
        Task<StoredMessage> append;
        lock (_gate)
        {
            append = backplane.AppendAsync(message);
            _pending.Enqueue((append, deliver));
        }
        try
        {
            return await append.ConfigureAwait(false);
        }
        finally
        {
            DeliverCompleted();
        }
    }

    /// <summary>A message another node stored.</summary>
    public void OfferRemote(StoredMessage message, Action<StoredMessage> deliver)
    {
        lock (_gate)
            DeliverInOrder(message.Seq, () => deliver(message));
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
                    var stored = head.Append.Result;
                    DeliverInOrder(stored.Seq, () => head.Deliver(stored));
                }
            }
        }
    }

    /// <summary>Call under the lock.</summary>
    private void DeliverInOrder(long seq, Action deliver)
    {
        // The first message this node sees sets the baseline; a late one (already passed) still goes out.
        if (_lastDelivered >= 0 && seq > _lastDelivered + 1)
        {
            _early[seq] = deliver;
            _gapTimer ??= time.CreateTimer(_ => FlushEarly(), null, gapTimeout, Timeout.InfiniteTimeSpan);
            return;
        }
        deliver();
        _lastDelivered = Math.Max(_lastDelivered, seq);
        while (_early.Remove(_lastDelivered + 1, out var next))
        {
            next();
            _lastDelivered++;
        }
        if (_early.Count == 0)
            StopGapTimer();
    }

    /// <summary>The gap did not fill in time: deliver what waited, in order, and move on.</summary>
    private void FlushEarly()
    {
        lock (_gate)
        {
            foreach (var (seq, deliver) in _early)
            {
                deliver();
                _lastDelivered = seq;
            }
            _early.Clear();
            StopGapTimer();
        }
    }

    private void StopGapTimer()
    {
        _gapTimer?.Dispose();
        _gapTimer = null;
    }
}
