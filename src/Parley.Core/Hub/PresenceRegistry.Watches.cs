using Parley.Core.Events;
using Parley.Core.Model;

namespace Parley.Core.Hub;

/// <summary>
/// Watching users (IRC MONITOR, native <c>watch</c>) and what watchers hear besides presence: the real name (IRC
/// SETNAME). A watcher is told when a watched name comes online or goes offline, on any node,
/// whether or not it shares a room with it (<see cref="WatchEvent"/>, from the presence changes in
/// <see cref="PresenceRegistry"/>); one that <see cref="Session.FollowsWatchedActivity"/> also
/// hears the watched user's away and real-name changes.
/// </summary>
internal sealed partial class PresenceRegistry
{
    /// <summary>
    /// Adds the names to the session's watch list, in order, until it holds <paramref name="limit"/>
    /// names. Returns each name added (or already watched) with the name online under it (null when
    /// offline), and the names refused because the list is full.
    /// </summary>
    public (IReadOnlyList<(string Name, string? Online)> Watched, IReadOnlyList<string> Refused) Watch(Session session, IReadOnlyList<string> names, int limit)
    {
        var watched = new List<(string, string?)>();
        var refused = new List<string>();
        lock (rooms.Topology)
        {
            foreach (var name in names)
            {
                var key = Names.Key(name);
                if (refused.Count > 0 || !_watches.Add(session, key, name, limit))
                    refused.Add(name);
                else
                    watched.Add((name, OnlineName(name)));
            }
        }
        return (watched, refused);
    }

    /// <summary>
    /// Makes <paramref name="names"/> the session's whole watch list (native <c>watch</c>: the
    /// users a client shows), each name once; returns each with whether it is online, as the user
    /// online under it spells it.
    /// </summary>
    public IReadOnlyList<MemberInfo> ReplaceWatches(Session session, IReadOnlyList<string> names)
    {
        var watched = new List<MemberInfo>(names.Count);
        lock (rooms.Topology)
        {
            _watches.Clear(session);
            foreach (var name in names)
            {
                var key = Names.Key(name);
                if (_watches.IsWatchingKey(session, key))
                    continue;
                _watches.Add(session, key, name, int.MaxValue);
                watched.Add(OnlineName(name) is { } online ? new MemberInfo(online, Online: true) : new MemberInfo(name, Online: false));
            }
        }
        return watched;
    }

    public void Unwatch(Session session, IEnumerable<string> names)
    {
        lock (rooms.Topology)
        {
            foreach (var name in names)
                _watches.Remove(session, Names.Key(name));
        }
    }

    /// <summary>Drops every watch of the session; nothing to do (and no lock taken) when it watches nothing.</summary>
    public void ForgetWatches(Session session)
    {
        if (!_watches.IsWatching(session))
            return;
        lock (rooms.Topology)
            _watches.Clear(session);
    }

    /// <summary>The names the session watches with the name online under each (null when offline).</summary>
    public IReadOnlyList<(string Name, string? Online)> Watched(Session session)
    {
        if (!_watches.IsWatching(session))
            return [];
        lock (rooms.Topology)
            return [.. _watches.Names(session).Select(n => (n, OnlineName(n)))];
    }

    /// <summary>The real name the user set (IRC SETNAME) while it has sessions on this node, or null.</summary>
    public string? RealNameOf(string userName) => _online.TryGetValue(Names.Key(userName), out var user) ? user.RealName : null;

    /// <summary>Sets the session's user's real name; its sessions (this one included, as confirmation), everyone sharing a room with it and its followers hear of it.</summary>
    public void SetRealName(Session session, string realName)
    {
        HashSet<Session> audience;
        lock (rooms.Topology)
        {
            if (session.UserKey is not { } key || !_online.TryGetValue(key, out var user))
                return;
            user.RealName = realName;
            audience = PeersOf(key);
            audience.UnionWith(user.Sessions);
            AddFollowers(audience, key);
        }
        Fanout.Deliver(new RealNameEvent(session.User!, realName), audience, except: null);
    }

    /// <summary>Adds the watchers of the user that follow what it does (<see cref="Session.FollowsWatchedActivity"/>). Call under the topology lock.</summary>
    private void AddFollowers(HashSet<Session> audience, string userKey)
    {
        if (_watches.WatchersOf(userKey) is not { } watchers)
            return;
        foreach (var watcher in watchers)
        {
            if (watcher.FollowsWatchedActivity)
                audience.Add(watcher);
        }
    }
}
