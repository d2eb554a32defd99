using Parley.Core.Diagnostics;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Core.Storage;

namespace Parley.Core.Hub;

/// <summary>
/// Makes a conversation's <see cref="ConversationSequencer"/>, reading its baseline and its gaps
/// from the store, and completing replies with the id of the message they answer. Rooms'
/// sequencers are made by the directory with the room, direct conversations' by messaging on first use.
///
/// Concurrency: stateless; each sequencer has its own lock.
/// </summary>
internal sealed class SequencerFactory(IChatStore store, TimeProvider time, ChatLimits limits, ChatMetrics? metrics = null)
{
    public ConversationSequencer For(string conversation, Action<StoredMessage, Session?> deliver) =>
        new(time, limits.MessageGapTimeout, (after, before) => MessagesBetweenAsync(conversation, after, before),
            () => LastSeqAsync(conversation), deliver, WithReplyIdAsync, metrics);

    /// <summary>A reply with the id of the message it answers (<see cref="StoredMessage.ReplyToId"/>); as it was when the store has no such message.</summary>
    private async Task<StoredMessage> WithReplyIdAsync(StoredMessage message) =>
        message.ReplyTo is { } seq && await store.FindMessageAsync(message.Conversation, seq).ConfigureAwait(false) is { } replied
            ? message with { ReplyToId = replied.Id }
            : message;

    private async Task<long> LastSeqAsync(string conversation) =>
        (await store.HistoryAsync(conversation, beforeSeq: null, limit: 1).ConfigureAwait(false)).Messages.FirstOrDefault()?.Seq ?? 0;

    /// <summary>Stored messages with after &lt; seq &lt; before, oldest first (at most 1000), to fill a delivery gap.</summary>
    private async Task<IReadOnlyList<StoredMessage>> MessagesBetweenAsync(string conversation, long after, long before)
    {
        var page = await store.HistoryAsync(conversation, before, (int)Math.Clamp(before - after - 1, 1, 1000)).ConfigureAwait(false);
        var messages = page.Messages.Where(m => m.Seq > after).OrderBy(m => m.Seq).ToList();
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].ReplyTo is null)
                continue;
            try
            {
                messages[i] = await WithReplyIdAsync(messages[i]).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The messages were read: a reply goes out without its parent's id rather than not at all.
            }
        }
        return messages;
    }
}
