using Parley.Core.Events;
using Parley.Core.Model;

namespace Parley.Core.Hub;

/// <summary>
/// Hands events to this node's sessions. A session whose queue is full is closed alone; the
/// caller never waits on it. Deliveries are counted once per broadcast, in the sessions' hub's
/// <see cref="Diagnostics.ChatMetrics"/> (every session handed one broadcast is of the same hub).
///
/// Concurrency: stateless; the session arrays it is given are immutable, so it runs under any lock or none.
/// </summary>
internal static class Fanout
{
    /// <summary>Hands the broadcast to each target but <paramref name="except"/>; a full queue closes that session alone.</summary>
    /// <remarks>The fan-out hot path: an array loop, no enumerator allocated per message.</remarks>
    public static void Deliver(Broadcast broadcast, Session[] targets, Session? except)
    {
        var delivered = 0;
        foreach (var session in targets)
        {
            if (session == except || session.IsBelowLiveFloor(broadcast))
                continue;
            if (session.TryDeliver(broadcast))
                delivered++;
            else
                session.Close(ByeReasons.SlowConsumer);
        }
        if (delivered > 0)
            targets[0].Metrics?.Delivered(delivered);
    }

    public static void Deliver(Broadcast broadcast, IEnumerable<Session> targets, Session? except) =>
        Deliver(broadcast, targets as Session[] ?? targets.ToArray(), except);

    public static void Deliver(ChatEvent chatEvent, IEnumerable<Session> targets, Session? except) =>
        Deliver(new Broadcast(chatEvent), targets, except);
}
