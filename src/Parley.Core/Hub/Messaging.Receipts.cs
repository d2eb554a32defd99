using Parley.Core.Events;
using Parley.Core.Model;

namespace Parley.Core.Hub;

/// <summary>
/// Read receipts in direct conversations, built on read positions: when a user's position in a
/// direct conversation is set (native <c>read</c>, IRC MARKREAD), the other user's sessions hear
/// it as a <see cref="ReceiptEvent"/>, on every node (other nodes learn it from the same
/// <see cref="Cluster.ReadMoved"/> that tells the reader's own sessions). Rooms have none.
///
/// Concurrency: as <see cref="Messaging"/>; no state of its own.
/// </summary>
internal sealed partial class Messaging
{
    /// <summary>The other user's sessions on this node hear how far <paramref name="reader"/> has read their conversation.</summary>
    private void DeliverReceipt(string reader, string? with, long seq)
    {
        // A room, or one's conversation with oneself: no one else to tell.
        if (with is null || Names.Key(with) == Names.Key(reader))
            return;
        Fanout.Deliver(new ReceiptEvent(reader, seq), _presence.SessionsOf(Names.Key(with)), except: null);
    }

    /// <summary>
    /// How far the other user of a direct conversation has read it (0: nothing), for a client to
    /// show which of its own messages are read. Null for a conversation Parley stores nothing of (a
    /// guest's). The same checks as <see cref="HistoryAsync"/>.
    /// </summary>
    public async Task<Result<long?>> PeerReadAsync(Session session, string withName)
    {
        var conversation = await StoredConversationOfAsync(session, roomName: null, withName).ConfigureAwait(false);
        if (!conversation.Ok || conversation.Value is null)
            return conversation.Ok ? (long?)null : conversation.Error!;
        var mark = await _store.ReadMarkAsync(Names.Key(withName), conversation.Value).ConfigureAwait(false);
        return mark.Seq;
    }
}
