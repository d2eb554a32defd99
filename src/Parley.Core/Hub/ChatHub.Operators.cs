using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Model;

namespace Parley.Core.Hub;

/// <summary>
/// What server operators may do, on every node. Who is an operator is the adapter's business
/// (IRC OPER against the configured operators); the hub only carries the action out.
/// </summary>
public sealed partial class ChatHub
{
    /// <summary>Ends every session of <paramref name="userName"/> anywhere; false when the user is not online.</summary>
    public async Task<bool> KillAsync(string userName, string reason)
    {
        if (!IsOnline(userName))
            return false;
        CloseSessionsOf(userName, reason);
        await PublishAsync(new UserKilled(userName, reason)).ConfigureAwait(false);
        return true;
    }

    /// <summary>An announcement to every signed-in session on every node.</summary>
    public async Task AnnounceAsync(string from, string text)
    {
        DeliverAnnouncement(from, text);
        await PublishAsync(new Announced(from, text)).ConfigureAwait(false);
    }

    private void CloseSessionsOf(string userName, string reason)
    {
        foreach (var session in SessionsOf(Names.Key(userName)))
        {
            session.QuitReason = reason;
            session.Close(ByeReasons.Killed);
        }
    }

    private void DeliverAnnouncement(string from, string text) =>
        Deliver(new AnnouncementEvent(from, text), _online.Values.SelectMany(u => u.Sessions), except: null);
}
