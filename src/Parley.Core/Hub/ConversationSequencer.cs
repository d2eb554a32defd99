using Parley.Core.Model;
using Parley.Core.Storage;

namespace Parley.Core.Hub;

/// <summary>
/// Keeps one conversation's messages in sequence order from the store to the receivers.
/// The store numbers appends in call order, and appends complete (become durable) in batches
/// whose completions may race; this queue delivers each message only after every earlier one
/// of the same conversation has been delivered or has failed, so receivers see seq order.
/// Delivery only queues bytes on sessions (never blocks), so it may run under the lock.
/// </summary>
internal sealed class ConversationSequencer
{
    private readonly Lock _gate = new();
    private readonly Queue<(Task<StoredMessage> Append, Action<StoredMessage> Deliver)> _pending = new();

    public async Task<StoredMessage> AppendAsync(IChatStore store, NewMessage message, Action<StoredMessage> deliver)
    {
        Task<StoredMessage> append;
        lock (_gate)
        {
            append = store.AppendAsync(message);
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

    private void DeliverCompleted()
    {
        lock (_gate)
        {
            while (_pending.TryPeek(out var head) && head.Append.IsCompleted)
            {
                _pending.Dequeue();
                if (head.Append.IsCompletedSuccessfully)
                    head.Deliver(head.Append.Result);
            }
        }
    }
}
