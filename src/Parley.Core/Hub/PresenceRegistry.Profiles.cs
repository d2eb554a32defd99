using Parley.Core.Events;
using Parley.Core.Model;

namespace Parley.Core.Hub;

/// <summary>
/// Profiles (<see cref="People"/>) reach the same audience as a real name (<see cref="SetRealName"/>):
/// the user's sessions, everyone sharing a room with it and its followers. The display name is
/// the IRC real name, so it is kept on the user's state here too (WHO, WHOIS).
/// </summary>
internal sealed partial class PresenceRegistry
{
    /// <summary>
    /// Makes <paramref name="profile"/>'s display name the user's real name on this node when it
    /// changed (while the user has sessions here; cleared, the IRC clients' own shows again; a
    /// status change leaves a SETNAME's real name alone), and, when <paramref name="tell"/>,
    /// tells the change to its sessions but <paramref name="origin"/>, its room-mates and followers.
    /// </summary>
    public void ApplyProfile(string userKey, ProfileEvent profile, Session? origin, bool tell = true)
    {
        HashSet<Session>? audience = null;
        lock (rooms.Topology)
        {
            if (_online.TryGetValue(userKey, out var user))
            {
                if (profile.DisplayChanged)
                    user.RealName = profile.Display;
                if (tell)
                    (audience = PeersOf(userKey)).UnionWith(user.Sessions);
            }
            else if (tell)
            {
                audience = PeersOf(userKey);
            }
            if (audience is not null)
                AddFollowers(audience, userKey);
        }
        if (audience is not null)
            Fanout.Deliver(profile, audience, except: origin);
    }

    /// <summary>Tells the user's sessions on this node but <paramref name="origin"/> (its other devices).</summary>
    public void TellOwnSessions(string userName, ChatEvent chatEvent, Session? origin) =>
        Fanout.Deliver(chatEvent, SessionsOf(Names.Key(userName)), except: origin);
}
