using Parley.Core.Events;

namespace Parley.Core.Hub;

/// <summary>
/// Live floors: after a sign-in reply gave a conversation's <c>lastSeq</c>, this connection gets
/// that conversation's messages live only above it. A node that lags behind the store (it was
/// stopped, or its subscription was down and it is catching up) would otherwise hand a client that
/// has just moved to it, from another node, messages the client already had live there: the
/// client got them in <c>lastSeq</c> and fetches them with <c>history</c>, if it lacks them.
/// Set only for conversations this node had not delivered up to <c>lastSeq</c> yet, so almost no
/// session has any; each floor goes once the conversation's messages pass it.
/// </summary>
public abstract partial class Session
{
    /// <summary>
    /// Whether its client is told each conversation's <c>lastSeq</c> at sign-in and fetches what
    /// lies below it with <c>history</c> (the native protocol): only such a session gets live floors.
    /// An IRC client is told nothing of the kind, so a late message still reaches it live.
    /// </summary>
    public virtual bool TakesLastSeq => false;

    // Made at the first floor and kept (empty) after: it is its own lock, so a session that never
    // has a floor, nearly all of them, pays one field and no lock object.
    private Dictionary<string, long>? _liveFloors;

    /// <summary>Messages of <paramref name="conversation"/> up to <paramref name="lastSeq"/> (as the sign-in reply says) are not delivered live to this session.</summary>
    internal void SetLiveFloor(string conversation, long lastSeq)
    {
        var floors = Volatile.Read(ref _liveFloors);
        if (floors is null)
        {
            var made = new Dictionary<string, long>(StringComparer.Ordinal);
            floors = Interlocked.CompareExchange(ref _liveFloors, made, null) ?? made;
        }
        lock (floors)
            floors[conversation] = lastSeq;
    }

    /// <summary>Whether this broadcast is a message at or below the session's live floor for its conversation. Cheap when there is none.</summary>
    internal bool IsBelowLiveFloor(Broadcast broadcast)
    {
        if (Volatile.Read(ref _liveFloors) is not { } floors || broadcast.Event is not MessageEvent { Message: var message })
            return false;
        lock (floors)
        {
            if (!floors.TryGetValue(message.Conversation, out var floor))
                return false;
            if (message.Seq <= floor)
                return true;
            // Messages are delivered in seq order per conversation: this one is past the floor for good.
            floors.Remove(message.Conversation);
            return false;
        }
    }
}
