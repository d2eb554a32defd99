using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Core.Storage;

namespace Parley.Core.Hub;

/// <summary>
/// Makes a conversation's <see cref="ConversationSequencer"/>, reading its baseline and its gaps
/// from the store. Rooms' sequencers are made by the directory with the room, direct
/// conversations' by messaging on first use.
///
/// Concurrency: stateless; each sequencer has its own lock.
/// </summary>
internal sealed class SequencerFactory(IChatStore store, TimeProvider time, ChatLimits limits)
{
    public ConversationSequencer For(string conversation, Action<StoredMessage, Session?> deliver) =>
        new(time, limits.MessageGapTimeout, (after, before) => MessagesBetweenAsync(conversation, after, before),
            () => LastSeqAsync(conversation), deliver);

    private async Task<long> LastSeqAsync(string conversation) =>
        (await store.HistoryAsync(conversation, beforeSeq: null, limit: 1).ConfigureAwait(false)).Messages.FirstOrDefault()?.Seq ?? 0;

    /// <summary>Stored messages with after &lt; seq &lt; before, oldest first (at most 1000), to fill a delivery gap.</summary>
    private async Task<IReadOnlyList<StoredMessage>> MessagesBetweenAsync(string conversation, long after, long before)
    {
        var page = await store.HistoryAsync(conversation, before, (int)Math.Clamp(before - after - 1, 1, 1000)).ConfigureAwait(false);
        return page.Messages.Where(m => m.Seq > after).OrderBy(m => m.Seq).ToList();
    }
}
