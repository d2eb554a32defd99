using System.Collections.Concurrent;
using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Model;

namespace Parley.Core.Hub;

public sealed partial class ChatHub
{
    /// <summary>
    /// Users with a session on other nodes: key → (name, the nodes). A user is online while it has
    /// a session here (<see cref="_online"/>) or on any other live node. Mutated under the topology lock.
    /// </summary>
    private readonly ConcurrentDictionary<string, RemoteUser> _remote = new(StringComparer.Ordinal);

    /// <param name="Guest">A guest (on one node only, as a guest's name is held by one session).</param>
    private sealed record RemoteUser(string Name, HashSet<string> Nodes, bool Guest);

    /// <summary>Users online on any node, sorted by name.</summary>
    public Result<IReadOnlyList<string>> Online()
    {
        var names = _online.Values.Select(u => u.Name)
            .Concat(_remote.Values.Select(u => u.Name))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        names.Sort(StringComparer.OrdinalIgnoreCase);
        return names;
    }

    public bool IsOnline(string userName) => IsOnlineKey(Names.Key(userName));

    /// <summary>Asks every signed-in session here to give back what a past burst grew (<see cref="Session.ReleaseIdleMemory"/>); the bytes given back.</summary>
    public long ReleaseIdleMemory()
    {
        long released = 0;
        foreach (var user in _online.Values)
            foreach (var session in user.Sessions)
                released += session.ReleaseIdleMemory();
        return released;
    }

    private bool IsOnlineKey(string userKey) => _online.ContainsKey(userKey) || _remote.ContainsKey(userKey);

    /// <summary>
    /// Signs the session in as <paramref name="name"/>; a user's first session anywhere announces it online.
    /// A guest gets the name only if no one is online under it (false otherwise), checked and taken at once.
    /// </summary>
    private async Task<bool> AttachAsync(Session session, string name, bool asGuest = false)
    {
        var key = Names.Key(name);
        var firstHere = false;
        HashSet<Session>? watchers = null;
        lock (_topology)
        {
            if (asGuest && IsOnlineKey(key))
                return false;
            session.User = name;
            session.IsGuest = asGuest;
            if (!_online.TryGetValue(key, out var user))
            {
                firstHere = true;
                var cameOnline = !IsOnlineKey(key);
                _online[key] = user = new UserState(name);
                if (cameOnline)
                    watchers = WatchersOf(key);
            }
            user.Add(session);
            Session[] added = [session];
            foreach (var room in RoomsOf(key))
                room.AddSessions(added);
        }
        if (watchers is not null)
            Deliver(new PresenceEvent(name, Online: true), watchers, except: null);
        if (firstHere)
            await PublishAsync(new NodePresence(_backplane.NodeId, name, Online: true, Guest: asGuest)).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Forgets the session (connection closed, or logout). A user's last session anywhere announces it offline.
    /// Safe to call more than once and for sessions that never signed in. Others are told the
    /// session's <see cref="Session.QuitReason"/>; a guest's rooms see it leave.
    /// </summary>
    public void Detach(Session session)
    {
        if (session.User is not { } name)
            return;
        var key = Names.Key(name);
        var lastHere = false;
        HashSet<Session>? watchers = null;
        lock (_topology)
        {
            if (session.User is null || !_online.TryGetValue(key, out var user))
                return;
            session.User = null;
            user.Remove(session);
            Session[] removed = [session];
            foreach (var room in RoomsOf(key))
                room.RemoveSessions(removed);
            if (user.Sessions.Length == 0)
            {
                lastHere = true;
                _online.TryRemove(key, out _);
                if (!IsOnlineKey(key))
                    watchers = WatchersOf(key);
            }
        }
        if (watchers is not null)
            Deliver(new PresenceEvent(name, Online: false, session.QuitReason), watchers, except: null);
        if (!lastHere)
            return;
        var published = PublishAsync(new NodePresence(_backplane.NodeId, name, Online: false, session.QuitReason));
        if (session.IsGuest)
            _ = EndGuestMembershipsAsync(name, published);
    }

    private void ApplyRemotePresence(NodePresence presence)
    {
        var key = Names.Key(presence.User);
        HashSet<Session>? watchers = null;
        lock (_topology)
        {
            var wasOnline = IsOnlineKey(key);
            if (presence.Online)
                _remote.GetOrAdd(key, _ => new RemoteUser(presence.User, [], presence.Guest)).Nodes.Add(presence.Node);
            else if (_remote.TryGetValue(key, out var remote) && remote.Nodes.Remove(presence.Node) && remote.Nodes.Count == 0)
                _remote.TryRemove(key, out _);
            if (wasOnline != IsOnlineKey(key))
                watchers = WatchersOf(key);
        }
        if (watchers is not null)
            Deliver(new PresenceEvent(presence.User, presence.Online, presence.Reason), watchers, except: null);
    }

    /// <summary>
    /// A node died: its users are offline unless they have a session elsewhere, and its guests'
    /// memberships end here (their node can no longer say so).
    /// </summary>
    private void ApplyNodeLost(string node)
    {
        var wentOffline = new List<(string Name, HashSet<Session> Watchers)>();
        var lostGuests = new List<(string Name, List<RoomState> Rooms)>();
        lock (_topology)
        {
            foreach (var (key, remote) in _remote)
            {
                if (!remote.Nodes.Remove(node) || remote.Nodes.Count > 0)
                    continue;
                _remote.TryRemove(key, out _);
                if (!IsOnlineKey(key))
                    wentOffline.Add((remote.Name, WatchersOf(key)));
                if (remote.Guest)
                    lostGuests.Add((remote.Name, RoomsOf(key).ToList()));
            }
        }
        foreach (var (name, watchers) in wentOffline)
            Deliver(new PresenceEvent(name, Online: false), watchers, except: null);
        foreach (var (name, rooms) in lostGuests)
        {
            foreach (var room in rooms)
                ApplyLeave(room, name, origin: null, quit: true);
        }
    }

    /// <summary>The rooms a user is in. Call under the topology lock.</summary>
    private IEnumerable<RoomState> RoomsOf(string userKey) =>
        _roomsOfUser.TryGetValue(userKey, out var roomKeys)
            ? roomKeys.Select(k => _rooms.GetValueOrDefault(k)).OfType<RoomState>()
            : [];

    /// <summary>Records a membership in the room's member list and the user's room index. Call under the topology lock.</summary>
    private static bool AddMember(Dictionary<string, HashSet<string>> roomsOfUser, RoomState room, string userKey, string user)
    {
        if (!room.Members.TryAdd(userKey, user))
            return false;
        if (!roomsOfUser.TryGetValue(userKey, out var roomKeys))
            roomsOfUser[userKey] = roomKeys = new HashSet<string>(StringComparer.Ordinal);
        roomKeys.Add(Names.Key(room.Name));
        return true;
    }

    private static bool RemoveMember(Dictionary<string, HashSet<string>> roomsOfUser, RoomState room, string userKey)
    {
        if (!room.Members.TryRemove(userKey, out _))
            return false;
        if (roomsOfUser.TryGetValue(userKey, out var roomKeys) && roomKeys.Remove(Names.Key(room.Name)) && roomKeys.Count == 0)
            roomsOfUser.Remove(userKey);
        return true;
    }

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
