namespace Parley.Core.Hub;

/// <summary>A user who has at least one session on this node. Mutated under the hub's topology lock.</summary>
internal sealed class UserState(string name)
{
    private volatile Session[] _sessions = [];

    public string Name { get; } = name;

    public Session[] Sessions => _sessions;

    /// <summary>The user's away message (IRC AWAY), or null when present. Kept while the user has sessions here.</summary>
    public volatile string? Away;

    /// <summary>The real name its IRC client last set with SETNAME, or null (then each IRC session shows what its USER gave). Kept while the user has sessions here.</summary>
    public volatile string? RealName;

    public void Add(Session session) => _sessions = [.. _sessions, session];

    public void Remove(Session session) => _sessions = _sessions.Where(s => s != session).ToArray();
}
