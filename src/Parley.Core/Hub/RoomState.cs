using System.Collections.Concurrent;
using Parley.Core.Model;

namespace Parley.Core.Hub;

/// <summary>
/// A room as the hub keeps it in memory. Mutations happen under the hub's topology lock;
/// the send path reads <see cref="Sessions"/> and <see cref="Members"/> without any lock.
/// </summary>
internal sealed class RoomState(string name, string topic, ConversationSequencer sequencer, bool transient = false)
{
    private readonly SessionSet _sessions = new();
    private readonly SessionSet _listSessions = new();
    private volatile string _topic = topic;

    public string Name { get; } = name;

    /// <summary>
    /// A room made by an open guest (<see cref="Policy.GuestPolicy.Open"/>): kept in this node's
    /// memory only, its memberships end with their members' connections, its messages are delivered
    /// live and never stored, and it ends when its last member leaves.
    /// </summary>
    public bool Transient { get; } = transient;

    /// <summary>
    /// The room's conversation key, built once rather than for every message. A transient room's
    /// is its own (a fresh id after the name), so a later room of the same name never shows its history.
    /// </summary>
    public string Conversation { get; } = transient ? ConversationKey.ForRoom(name) + ":" + Guid.NewGuid().ToString("N") : ConversationKey.ForRoom(name);

    /// <summary>Settings and bans (roles are in <see cref="Roles"/>); replaced whole under the topology lock, read without it.</summary>
    public volatile RoomModeration Moderation = RoomModeration.Default;

    /// <summary>Member key → role, for members above <see cref="RoomRole.Member"/>. Written under the topology lock.</summary>
    public ConcurrentDictionary<string, RoomRole> Roles { get; } = new(StringComparer.Ordinal);

    private SemaphoreSlim? _moderationGate;

    /// <summary>
    /// Moderation changes go through one at a time, from their checks to their publication, so
    /// other nodes get them in the order they were made here. Made on first use.
    /// </summary>
    public SemaphoreSlim ModerationGate => LazyInitializer.EnsureInitialized(ref _moderationGate, () => new SemaphoreSlim(1, 1));

    /// <summary>The room was deleted: it is out of the directory, and a join or change still under way must not bring it back. Set under the topology lock.</summary>
    public volatile bool Deleted;

    /// <summary>Joins past their checks and not yet members (their store write is under way): they count against the member limit. Guarded by the topology lock.</summary>
    public int JoinsUnderway { get; set; }

    /// <summary>Keys of users invited and not yet joined (a join uses the invitation up); memory only. Guarded by the topology lock.</summary>
    public HashSet<string> Invited { get; } = new(StringComparer.Ordinal);

    public RoomRole RoleOf(string userKey) => Roles.TryGetValue(userKey, out var role) ? role : RoomRole.Member;

    /// <summary>Orders a transient room's live messages: they are numbered and handed on under it.</summary>
    public Lock LiveGate { get; } = new();

    /// <summary>The last number given to a transient room's live message. Guarded by <see cref="LiveGate"/>.</summary>
    public long LiveSeq { get; set; }

    public string Topic { get => _topic; set => _topic = value; }

    /// <summary>When the room was made: stored for stored rooms; for one made on another node, when this node heard of it.</summary>
    public DateTimeOffset Created { get; init; }

    private volatile TopicMark? _topicMark;

    /// <summary>Who last set the topic and when; memory only, so null for a topic set before this node started.</summary>
    public TopicMark? TopicMark
    {
        get => _topicMark;
        set => _topicMark = value;
    }

    /// <summary>Member key → display name. Changed only through <see cref="TryAddMember"/> and <see cref="TryRemoveMember"/> (or a rename), under the topology lock.</summary>
    public ConcurrentDictionary<string, string> Members { get; } = new(StringComparer.Ordinal);

    private volatile int _memberCount;

    /// <summary>How many members: kept beside <see cref="Members"/>, whose Count takes every one of its locks, and is asked on every presence change.</summary>
    public int MemberCount => _memberCount;

    public bool TryAddMember(string userKey, string user)
    {
        if (!Members.TryAdd(userKey, user))
            return false;
        _memberCount++;
        return true;
    }

    public bool TryRemoveMember(string userKey)
    {
        if (!Members.TryRemove(userKey, out _))
            return false;
        _memberCount--;
        return true;
    }

    /// <summary>Every connected session of every member: the fan-out list (an immutable snapshot).</summary>
    public Session[] Sessions => _sessions.Snapshot;

    /// <summary>
    /// The sessions of <see cref="Sessions"/> that keep every member list whole (<see
    /// cref="Session.KeepsFullMemberLists"/>, IRC): in a large room only they hear each join, leave and presence.
    /// </summary>
    public Session[] ListSessions => _listSessions.Snapshot;

    /// <summary>The counts last told to the room's sessions while it is large (<see cref="RoomDirectory.AnnounceLargeRoomCounts"/>), else null; only its ticks touch it.</summary>
    public Events.RoomCountsEvent? AnnouncedCounts { get; set; }

    /// <summary>Whether the room has more than <paramref name="largeRoomMembers"/> members (<see cref="Policy.ChatLimits.LargeRoomMembers"/>).</summary>
    public bool IsLarge(int largeRoomMembers) => MemberCount > largeRoomMembers;

    /// <summary>The sessions told of each member's join, leave and presence: all of them, or in a large room only <see cref="ListSessions"/>.</summary>
    public Session[] MemberNewsSessions(int largeRoomMembers) => IsLarge(largeRoomMembers) ? ListSessions : Sessions;

    public ConversationSequencer Sequencer { get; } = sequencer;

    public void AddSessions(IReadOnlyCollection<Session> added)
    {
        _sessions.Add(added);
        _listSessions.Add(added.Where(s => s.KeepsFullMemberLists));
    }

    public void RemoveSessions(IReadOnlyCollection<Session> removed)
    {
        _sessions.Remove(removed);
        _listSessions.Remove(removed);
    }
}
