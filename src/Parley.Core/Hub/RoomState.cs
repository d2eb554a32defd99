using System.Collections.Concurrent;
using Parley.Core.Model;

namespace Parley.Core.Hub;

/// <summary>
/// A room as the hub keeps it in memory. Mutations happen under the hub's topology lock;
/// the send path reads <see cref="Sessions"/> and <see cref="Members"/> without any lock.
/// </summary>
internal sealed class RoomState(string name, string topic, ConversationSequencer sequencer)
{
    private volatile Session[] _sessions = [];
    private volatile string _topic = topic;

    public string Name { get; } = name;

    /// <summary>The room's conversation key, built once rather than for every message.</summary>
    public string Conversation { get; } = ConversationKey.ForRoom(name);

    public string Topic { get => _topic; set => _topic = value; }

    /// <summary>Member key → display name.</summary>
    public ConcurrentDictionary<string, string> Members { get; } = new(StringComparer.Ordinal);

    /// <summary>Every connected session of every member: the fan-out list, replaced whole on change.</summary>
    public Session[] Sessions => _sessions;

    public ConversationSequencer Sequencer { get; } = sequencer;

    public void AddSessions(IReadOnlyCollection<Session> added)
    {
        if (added.Count > 0)
            _sessions = [.. _sessions, .. added.Where(s => !_sessions.Contains(s))];
    }

    public void RemoveSessions(IReadOnlyCollection<Session> removed)
    {
        if (removed.Count > 0)
            _sessions = _sessions.Where(s => !removed.Contains(s)).ToArray();
    }
}
