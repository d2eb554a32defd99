using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Model;

namespace Parley.Core.Hub;

/// <summary>
/// What server operators may do, on every node. Who is an operator is the adapter's business
/// (IRC OPER against the configured operators); the hub only carries the action out.
///
/// Concurrency: no state of its own; it reads presence's session arrays, which are immutable, without a lock.
/// </summary>
internal sealed class Operators(PresenceRegistry presence, ClusterPublisher cluster)
{
    /// <summary>Ends every session of <paramref name="userName"/> anywhere; false when the user is not online.</summary>
    public async Task<bool> KillAsync(string userName, string reason)
    {
        if (!presence.IsOnline(userName))
            return false;
        CloseSessionsOf(userName, reason);
        await cluster.PublishAsync(new UserKilled(userName, reason)).ConfigureAwait(false);
        return true;
    }

    /// <summary>An announcement to every signed-in session on every node.</summary>
    public async Task AnnounceAsync(string from, string text)
    {
        DeliverAnnouncement(from, text);
        await cluster.PublishAsync(new Announced(from, text)).ConfigureAwait(false);
    }

    /// <summary>Another node's KILL, for the user's sessions here.</summary>
    public void ApplyRemote(UserKilled killed) => CloseSessionsOf(killed.User, killed.Reason);

    /// <summary>Another node's announcement, for every session here.</summary>
    public void ApplyRemote(Announced announced) => DeliverAnnouncement(announced.From, announced.Text);

    private void CloseSessionsOf(string userName, string reason)
    {
        foreach (var session in presence.SessionsOf(Names.Key(userName)))
        {
            session.QuitReason = reason;
            session.Close(ByeReasons.Killed);
        }
    }

    private void DeliverAnnouncement(string from, string text) =>
        Fanout.Deliver(new AnnouncementEvent(from, text), presence.AllSessions(), except: null);
}
