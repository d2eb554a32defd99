using Parley.Core.Events;
using Parley.Core.Model;

namespace Parley.Core.Hub;

public sealed partial class ChatHub
{
    /// <summary>Users with at least one session, sorted by name.</summary>
    public Result<IReadOnlyList<string>> Online()
    {
        var names = _online.Values.Select(u => u.Name).ToList();
        names.Sort(StringComparer.OrdinalIgnoreCase);
        return names;
    }

    public bool IsOnline(string userName) => _online.ContainsKey(Names.Key(userName));

    /// <summary>Signs the session in as <paramref name="name"/>; the first session of a user announces it online.</summary>
    private void Attach(Session session, string name)
    {
        var key = Names.Key(name);
        HashSet<Session>? watchers = null;
        lock (_topology)
        {
            session.User = name;
            var cameOnline = !_online.TryGetValue(key, out var user);
            if (user is null)
                _online[key] = user = new UserState(name);
            user.Add(session);
            Session[] added = [session];
            foreach (var room in RoomsOf(key))
                room.AddSessions(added);
            if (cameOnline)
                watchers = WatchersOf(key);
        }
        if (watchers is not null)
            Deliver(new PresenceEvent(name, Online: true), watchers, except: null);
    }

    /// <summary>
    /// Forgets the session (connection closed, or logout). The last session of a user announces it offline.
    /// Safe to call more than once and for sessions that never signed in.
    /// </summary>
    public void Detach(Session session)
    {
        if (session.User is not { } name)
            return;
        var key = Names.Key(name);
        HashSet<Session>? watchers = null;
        lock (_topology)
        {
            if (session.User is null)
                return;
            session.User = null;
            if (!_online.TryGetValue(key, out var user))
                return;
            user.Remove(session);
            Session[] removed = [session];
            foreach (var room in RoomsOf(key))
                room.RemoveSessions(removed);
            if (user.Sessions.Length == 0)
            {
                _online.TryRemove(key, out _);
                watchers = WatchersOf(key);
            }
        }
        if (watchers is not null)
            Deliver(new PresenceEvent(name, Online: false), watchers, except: null);
    }

    private IEnumerable<RoomState> RoomsOf(string userKey) =>
        _rooms.Values.Where(r => r.Members.ContainsKey(userKey));

    /// <summary>Sessions of everyone who shares a room with the user, but the user's own. Call under the topology lock.</summary>
    private HashSet<Session> WatchersOf(string userKey)
    {
        var own = SessionsOf(userKey);
        var watchers = new HashSet<Session>();
        foreach (var room in RoomsOf(userKey))
        {
            foreach (var s in room.Sessions)
            {
                if (!own.Contains(s))
                    watchers.Add(s);
            }
        }
        return watchers;
    }
}
