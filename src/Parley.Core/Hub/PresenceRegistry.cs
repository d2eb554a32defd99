using System.Collections.Concurrent;
using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Model;
using Parley.Core.Policy;

namespace Parley.Core.Hub;

/// <summary>
/// Who is online: the users with sessions on this node and their sessions, and the users online
/// on other nodes. Signing a session in or out, other nodes' presence and a lost node change it
/// here, and the users who share a room with someone hear when that user comes or goes.
///
/// Concurrency: changes take <see cref="RoomDirectory.Topology"/> (shared with the directory, whose memberships they read and whose rooms' session arrays they update) and are delivered after it; reads (online, sessions of a user) take no lock.
/// </summary>
internal sealed partial class PresenceRegistry(RoomDirectory rooms, ClusterPublisher cluster, ChatLimits limits)
{
    private readonly ConcurrentDictionary<string, UserState> _online = new(StringComparer.Ordinal);

    /// <summary>Who watches whom (IRC MONITOR); see <see cref="WatchList"/>.</summary>
    private readonly WatchList _watches = new();

    /// <summary>
    /// Users with a session on other nodes: key → (name, the nodes). A user is online while it has
    /// a session here (<see cref="_online"/>) or on any other live node. Mutated under the topology lock.
    /// </summary>
    private readonly ConcurrentDictionary<string, RemoteUser> _remote = new(StringComparer.Ordinal);

    /// <param name="Guest">A guest (on one node only, as a guest's name is held by one session).</param>
    private sealed record RemoteUser(string Name, HashSet<string> Nodes, bool Guest)
    {
        /// <summary>Its away message, as its nodes last said; null when back.</summary>
        public string? Away { get; set; }
    }

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

    /// <summary>The name as its online user spells it, or null when no one is online under it.</summary>
    public string? OnlineName(string userName)
    {
        var key = Names.Key(userName);
        return _online.TryGetValue(key, out var user) ? user.Name : _remote.TryGetValue(key, out var remote) ? remote.Name : null;
    }

    /// <summary>The away message of a user online here or on another node, or null.</summary>
    public string? AwayOf(string userName)
    {
        var key = Names.Key(userName);
        return _online.TryGetValue(key, out var user) ? user.Away : _remote.TryGetValue(key, out var remote) ? remote.Away : null;
    }

    /// <summary>
    /// Marks the session's user away (a message) or back (null); its other sessions and everyone
    /// sharing a room with it hear of it, on every node.
    /// </summary>
    public async Task SetAwayAsync(Session session, string? message)
    {
        if (!_online.ContainsKey(session.UserKey!))
            return;
        DeliverAway(session.UserKey!, session.User!, message, origin: session);
        await cluster.PublishAsync(new AwayChanged(session.User!, message)).ConfigureAwait(false);
    }

    /// <summary>Another node's user went away or came back: its sessions and peers here hear of it.</summary>
    public void ApplyRemote(AwayChanged away) => DeliverAway(Names.Key(away.User), away.User, away.Message, origin: null);

    private void DeliverAway(string key, string name, string? message, Session? origin)
    {
        HashSet<Session> audience;
        lock (rooms.Topology)
        {
            if (_remote.TryGetValue(key, out var remote))
                remote.Away = message;
            audience = PeersOf(key);
            if (_online.TryGetValue(key, out var user))
            {
                user.Away = message;
                audience.UnionWith(user.Sessions);
            }
            AddFollowers(audience, key);
        }
        Fanout.Deliver(new AwayEvent(name, message), audience, except: origin);
    }

    /// <summary>Whether the user online under this name is a guest.</summary>
    public bool IsGuestOnline(string userName)
    {
        var key = Names.Key(userName);
        return _online.TryGetValue(key, out var user) ? user.Sessions.Any(s => s.IsGuest) : _remote.TryGetValue(key, out var remote) && remote.Guest;
    }

    public bool IsOnlineKey(string userKey) => _online.ContainsKey(userKey) || _remote.ContainsKey(userKey);

    public Session[] SessionsOf(string userKey) =>
        _online.TryGetValue(userKey, out var user) ? user.Sessions : [];

    /// <summary>Every signed-in session on this node.</summary>
    public IEnumerable<Session> AllSessions() => _online.Values.SelectMany(u => u.Sessions);

    /// <summary>Who has a session on this node, for a backplane re-announcing them after a reconnect.</summary>
    public IReadOnlyCollection<LocalUser> LocalUsers() => _online.Values.Select(u => new LocalUser(u.Name, u.Sessions.Any(s => s.IsGuest))).ToList();

    /// <summary>Asks every signed-in session here to give back what a past burst grew (<see cref="Session.ReleaseIdleMemory"/>); the bytes given back.</summary>
    public long ReleaseIdleMemory()
    {
        long released = 0;
        foreach (var user in _online.Values)
            foreach (var session in user.Sessions)
                released += session.ReleaseIdleMemory();
        return released;
    }

    /// <summary>
    /// Signs the session in as <paramref name="name"/>; a user's first session anywhere announces it online.
    /// A guest gets the name only if no one is online under it (false otherwise), checked and taken at once.
    /// </summary>
    public async Task<bool> AttachAsync(Session session, string name, bool asGuest = false)
    {
        var key = Names.Key(name);
        var firstHere = false;
        Session[]? peers = null;
        Session[]? monitors = null;
        lock (rooms.Topology)
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
                {
                    peers = PresenceAudience(key);
                    monitors = _watches.WatchersOf(key);
                }
            }
            user.Add(session);
            Session[] added = [session];
            foreach (var room in rooms.RoomsOf(key))
                room.AddSessions(added);
        }
        if (peers is not null)
            DeliverPresence(new PresenceEvent(name, Online: true), peers, monitors);
        if (firstHere)
            await cluster.PublishAsync(new NodePresence(cluster.NodeId, name, Online: true, Guest: asGuest)).ConfigureAwait(false);
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
        {
            ForgetWatches(session);
            return;
        }
        var key = Names.Key(name);
        var lastHere = false;
        Session[]? peers = null;
        Session[]? monitors = null;
        lock (rooms.Topology)
        {
            _watches.Clear(session);
            if (session.User is null || !_online.TryGetValue(key, out var user))
                return;
            session.User = null;
            user.Remove(session);
            Session[] removed = [session];
            foreach (var room in rooms.RoomsOf(key))
                room.RemoveSessions(removed);
            if (user.Sessions.Length == 0)
            {
                lastHere = true;
                _online.TryRemove(key, out _);
                if (!IsOnlineKey(key))
                {
                    peers = PresenceAudience(key);
                    monitors = _watches.WatchersOf(key);
                }
            }
        }
        if (peers is not null)
            DeliverPresence(new PresenceEvent(name, Online: false, session.QuitReason), peers, monitors);
        if (!lastHere)
            return;
        var published = cluster.PublishAsync(new NodePresence(cluster.NodeId, name, Online: false, session.QuitReason));
        _ = rooms.EndMembershipsAsync(name, session.IsGuest, published);
    }

    /// <summary>
    /// An open guest takes another name: its rooms' member lists change with it, and it and
    /// everyone who shares a room with it hear of it. False when the name is in use (the same
    /// name in another case is allowed). Other nodes see the old name go offline and the new come online.
    /// </summary>
    public bool RenameGuest(Session session, string newName)
    {
        var oldName = session.User!;
        var oldKey = Names.Key(oldName);
        var newKey = Names.Key(newName);
        HashSet<Session> audience;
        Session[]? oldMonitors = null, newMonitors = null;
        lock (rooms.Topology)
        {
            if (newKey != oldKey && IsOnlineKey(newKey))
                return false;
            if (!_online.TryRemove(oldKey, out var user))
                return false;
            session.User = newName;
            var renamed = new UserState(newName) { Away = user.Away, RealName = user.RealName };
            foreach (var s in user.Sessions)
                renamed.Add(s);
            _online[newKey] = renamed;
            rooms.RenameMember(oldKey, newKey, newName);
            audience = PeersOf(newKey);
            audience.UnionWith(renamed.Sessions);
            if (newKey != oldKey)
            {
                oldMonitors = _watches.WatchersOf(oldKey);
                newMonitors = _watches.WatchersOf(newKey);
            }
        }
        Session[] heard = [.. audience];
        Fanout.Deliver(new RenameEvent(oldName, newName), heard, except: null);
        // To watchers a new nick is the old one going offline and the new one coming online.
        TellWatchers(new Broadcast(new PresenceEvent(oldName, Online: false, "Changed nick")), oldMonitors, heard);
        TellWatchers(new Broadcast(new PresenceEvent(newName, Online: true)), newMonitors, heard);
        if (newKey != oldKey)
        {
            _ = cluster.PublishAsync(new NodePresence(cluster.NodeId, oldName, Online: false, "Changed nick", Guest: true));
            _ = cluster.PublishAsync(new NodePresence(cluster.NodeId, newName, Online: true, Guest: true));
        }
        return true;
    }

    /// <summary>Another node's first or last session of a user; its rooms hear only if that changes whether the user is online.</summary>
    public void ApplyRemote(NodePresence presence)
    {
        var key = Names.Key(presence.User);
        Session[]? peers = null;
        Session[]? monitors = null;
        lock (rooms.Topology)
        {
            var wasOnline = IsOnlineKey(key);
            if (presence.Online)
                _remote.GetOrAdd(key, _ => new RemoteUser(presence.User, [], presence.Guest)).Nodes.Add(presence.Node);
            else if (_remote.TryGetValue(key, out var remote) && remote.Nodes.Remove(presence.Node) && remote.Nodes.Count == 0)
                _remote.TryRemove(key, out _);
            if (wasOnline != IsOnlineKey(key))
            {
                peers = PresenceAudience(key);
                monitors = _watches.WatchersOf(key);
            }
        }
        if (peers is not null)
            DeliverPresence(new PresenceEvent(presence.User, presence.Online, presence.Reason), peers, monitors);
    }

    /// <summary>
    /// A node died: its users are offline unless they have a session elsewhere, and its guests'
    /// memberships end here (their node can no longer say so).
    /// </summary>
    public void ApplyRemote(NodeLost lost)
    {
        var node = lost.Node;
        var wentOffline = new List<(string Name, Session[] Peers, Session[]? Monitors)>();
        var lostGuests = new List<(string Name, List<RoomState> Rooms)>();
        lock (rooms.Topology)
        {
            foreach (var (key, remote) in _remote)
            {
                if (!remote.Nodes.Remove(node) || remote.Nodes.Count > 0)
                    continue;
                _remote.TryRemove(key, out _);
                if (!IsOnlineKey(key))
                    wentOffline.Add((remote.Name, PresenceAudience(key), _watches.WatchersOf(key)));
                if (remote.Guest)
                    lostGuests.Add((remote.Name, rooms.RoomsOf(key).ToList()));
            }
        }
        foreach (var (name, peers, monitors) in wentOffline)
            DeliverPresence(new PresenceEvent(name, Online: false), peers, monitors);
        foreach (var (name, guestRooms) in lostGuests)
        {
            foreach (var room in guestRooms)
                rooms.ApplyLeave(room, name, origin: null, quit: true);
        }
    }

    /// <summary>Tells those who hear of the user (<paramref name="audience"/>) and those watching it (<see cref="TellWatchers"/>) that it came online or went offline.</summary>
    private static void DeliverPresence(PresenceEvent presence, Session[] audience, Session[]? watchers)
    {
        var broadcast = new Broadcast(presence);
        Fanout.Deliver(broadcast, audience, except: null);
        TellWatchers(broadcast, watchers, heard: audience);
    }

    /// <summary>
    /// Tells a user's watchers of its presence change: an IRC MONITOR watcher (<see
    /// cref="Session.WatchesAsMonitor"/>) as a <see cref="WatchEvent"/>, besides whatever a shared
    /// channel showed it; any other as the presence event itself, unless it is among those who
    /// <paramref name="heard"/> of the change already.
    /// </summary>
    private static void TellWatchers(Broadcast presence, Session[]? watchers, Session[] heard)
    {
        if (watchers is null)
            return;
        var change = (PresenceEvent)presence.Event;
        var monitors = watchers.Where(w => w.WatchesAsMonitor).ToArray();
        if (monitors.Length > 0)
            Fanout.Deliver(new WatchEvent(change.User, change.Online), monitors, except: null);
        ICollection<Session> told = heard.Length > 64 ? heard.ToHashSet() : heard;
        Fanout.Deliver(presence, watchers.Where(w => !w.WatchesAsMonitor && !told.Contains(w)).ToArray(), except: null);
    }

    /// <summary>
    /// Who hears that the user came online or went offline (<see cref="PeersOf"/>). A user in a
    /// single room, with no session of its own in it, is told to that room's session array as it
    /// is (immutable, replaced whole on change): a sign-in storm or a mass disconnect in a lobby of
    /// thousands then builds no set of thousands per user (3,000 leaving at once made about 250 KB
    /// of garbage each, 750 MB in all). Call under the topology lock.
    /// </summary>
    private Session[] PresenceAudience(string userKey)
    {
        if (SessionsOf(userKey).Length == 0)
        {
            using var joined = rooms.RoomsOf(userKey).GetEnumerator();
            if (!joined.MoveNext())
                return [];
            var only = joined.Current;
            if (!joined.MoveNext())
                return only.MemberNewsSessions(limits.LargeRoomMembers);
        }
        return [.. PeersOf(userKey)];
    }

    /// <summary>
    /// The sessions of everyone who shares a room with the user, but the user's own: who hears of
    /// its presence, away, real name and renames. In a large room only those keeping whole member
    /// lists (IRC); the rest follow the users they show (<see cref="ReplaceWatches"/>). Call under the topology lock.
    /// </summary>
    private HashSet<Session> PeersOf(string userKey)
    {
        var own = SessionsOf(userKey);
        var peers = new HashSet<Session>();
        foreach (var room in rooms.RoomsOf(userKey))
        {
            foreach (var s in room.MemberNewsSessions(limits.LargeRoomMembers))
            {
                if (!own.Contains(s))
                    peers.Add(s);
            }
        }
        return peers;
    }

}
