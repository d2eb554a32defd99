namespace Parley.Core.Hub;

/// <summary>
/// Who watches whom (IRC MONITOR, native <c>watch</c>): for each watched user key, the sessions watching it; for each
/// watching session, the names it watches as it spelled them. A watch is on a name, not on a
/// user: it holds whether or not anyone is online under it, and it ends with the session (or when
/// the session drops it). A session that watches nothing costs nothing here.
///
/// Concurrency: mutated and read under <see cref="RoomDirectory.Topology"/>, like presence, so a
/// watch added while its user comes or goes either sees the new state or is told of the change.
/// <see cref="IsWatching"/> alone is lock-free, for the check on every detach.
/// </summary>
internal sealed class WatchList
{
    private readonly Dictionary<string, HashSet<Session>> _watchers = new(StringComparer.Ordinal);

    // Session → (key → name as the session gave it).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Session, Dictionary<string, string>> _watching = new();

    public bool IsWatching(Session session) => _watching.ContainsKey(session);

    public bool IsWatchingKey(Session session, string key) => _watching.TryGetValue(session, out var names) && names.ContainsKey(key);

    /// <summary>Adds the watch unless the session already watches <paramref name="limit"/> names; true when it watches the name now (added, or already there).</summary>
    public bool Add(Session session, string key, string name, int limit)
    {
        var names = _watching.GetOrAdd(session, _ => new Dictionary<string, string>(StringComparer.Ordinal));
        if (names.ContainsKey(key))
            return true;
        if (names.Count >= limit)
        {
            if (names.Count == 0)
                _watching.TryRemove(session, out _);
            return false;
        }
        names[key] = name;
        if (!_watchers.TryGetValue(key, out var sessions))
            _watchers[key] = sessions = [];
        sessions.Add(session);
        return true;
    }

    public void Remove(Session session, string key)
    {
        if (!_watching.TryGetValue(session, out var names) || !names.Remove(key))
            return;
        if (names.Count == 0)
            _watching.TryRemove(session, out _);
        RemoveWatcher(key, session);
    }

    /// <summary>Drops every watch of the session (MONITOR C, or the connection ended).</summary>
    public void Clear(Session session)
    {
        if (!_watching.TryRemove(session, out var names))
            return;
        foreach (var key in names.Keys)
            RemoveWatcher(key, session);
    }

    /// <summary>The names the session watches, as it spelled them.</summary>
    public IReadOnlyList<string> Names(Session session) =>
        _watching.TryGetValue(session, out var names) ? [.. names.Values] : [];

    /// <summary>The sessions watching the user key, or null when none.</summary>
    public Session[]? WatchersOf(string key) =>
        _watchers.TryGetValue(key, out var sessions) ? [.. sessions] : null;

    private void RemoveWatcher(string key, Session session)
    {
        if (_watchers.TryGetValue(key, out var sessions) && sessions.Remove(session) && sessions.Count == 0)
            _watchers.Remove(key);
    }
}
