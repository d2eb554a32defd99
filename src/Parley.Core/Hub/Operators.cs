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
        CloseSessionsOf(userName, reason, ByeReasons.Killed, except: null);
        await cluster.PublishAsync(new UserKilled(userName, reason)).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Closes every session of <paramref name="userName"/> on every node, but <paramref name="except"/>,
    /// each told <paramref name="bye"/>: KILL's path, for an account signed out by its owner or the operator.
    /// Published whether or not the user is online, so a session that is signing in meanwhile elsewhere is not missed.
    /// </summary>
    public async Task SignOutAsync(string userName, string reason, string bye, Session? except)
    {
        CloseSessionsOf(userName, reason, bye, except);
        await cluster.PublishAsync(new UserKilled(userName, reason, bye)).ConfigureAwait(false);
    }

    /// <summary>An announcement to every signed-in session on every node.</summary>
    public async Task AnnounceAsync(string from, string text)
    {
        DeliverAnnouncement(from, text);
        await cluster.PublishAsync(new Announced(from, text)).ConfigureAwait(false);
    }

    /// <summary>Another node's KILL, for the user's sessions here.</summary>
    public void ApplyRemote(UserKilled killed) => CloseSessionsOf(killed.User, killed.Reason, killed.Bye, except: null);

    /// <summary>Another node's announcement, for every session here.</summary>
    public void ApplyRemote(Announced announced) => DeliverAnnouncement(announced.From, announced.Text);

    private void CloseSessionsOf(string userName, string reason, string bye, Session? except)
    {
        foreach (var session in presence.SessionsOf(Names.Key(userName)))
        {
            if (session == except)
                continue;
            session.QuitReason = reason;
            session.Close(bye);
        }
    }

    private void DeliverAnnouncement(string from, string text) =>
        Fanout.Deliver(new AnnouncementEvent(from, text), presence.AllSessions(), except: null);
}
