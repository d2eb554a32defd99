using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Core.Storage;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>
/// The registry of who is where: the rooms, their members and topics, the index of each user's
/// rooms, and the room operations (list, create, join, leave, topic, members). Rooms and
/// memberships made on other nodes are applied here too. A membership (its role, a ban or a mute)
/// belongs here.
///
/// Concurrency: <see cref="Topology"/> (owned here, shared with <see cref="PresenceRegistry"/>) guards membership, the user→rooms index, topic changes and rooms' session arrays, only for in-memory changes and never across I/O; the send path reads rooms, members and session arrays without it.
/// </summary>
internal sealed partial class RoomDirectory(
    IChatStore store, TimeProvider time, ChatLimits limits, ClusterPublisher cluster, KnownUsers knownUsers, SequencerFactory sequencers)
{
    // Keyed by Names.Key, but found by any spelling of the name (which is ASCII): no lower-case copy per send.
    private readonly ConcurrentDictionary<string, RoomState> _rooms = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Room key → the create of that room being stored right now.</summary>
    private readonly ConcurrentDictionary<string, Task> _creating = new(StringComparer.Ordinal);

    /// <summary>User key → the keys of the rooms the user is in. Guarded by the topology lock.</summary>
    private readonly Dictionary<string, HashSet<string>> _roomsOfUser = new(StringComparer.Ordinal);

    private PresenceRegistry _presence = null!;

    /// <summary>
    /// Writes a system line in a room's history (<see cref="RoomNotices"/>): set by the hub to
    /// messaging's, which is built after this directory. Only the node that made a change writes it.
    /// </summary>
    public Func<RoomState, string, string, Task> Notices { get; set; } = (_, _, _) => Task.CompletedTask;

    /// <summary>
    /// The hub's topology lock: who is connected and who is in which room change together under it
    /// (a join adds the user's sessions to the room, a new session is added to the user's rooms).
    /// </summary>
    public Lock Topology { get; } = new();

    /// <summary>
    /// Presence is built over this directory (it takes <see cref="Topology"/> from it), and the
    /// directory reads presence back (whose sessions a join adds): set once, by the hub's constructor.
    /// </summary>
    public void Use(PresenceRegistry presence) => _presence = presence;

    /// <summary>Every room on this node's view.</summary>
    public ICollection<RoomState> All => _rooms.Values;

    /// <summary>Loads rooms and memberships from the store; each room's delivery order starts where its history ends.</summary>
    public async Task LoadAsync()
    {
        foreach (var record in await store.LoadRoomsAsync().ConfigureAwait(false))
        {
            var room = NewRoom(record.Name, record.Topic, creator: null, created: record.Created);
            _rooms[record.Key] = room;
            if (record.Moderation is { } moderation)
            {
                room.Moderation = moderation with { Roles = new Dictionary<string, RoomRole>() };
                foreach (var (user, role) in moderation.Roles)
                    room.Roles[user] = role;
            }
            lock (Topology)
            {
                foreach (var member in record.Members)
                {
                    AddMember(room, Names.Key(member), member);
                    knownUsers.Add(Names.Key(member), member);
                }
            }
        }
        await Task.WhenAll(_rooms.Values.Select(r => r.Sequencer.EnsureBaselineAsync())).ConfigureAwait(false);
    }

    /// <summary>The rooms the user may see, sorted by name: every room but the secret ones it is not in, whatever the protocol.</summary>
    public Result<IReadOnlyList<RoomSummary>> Rooms(Session session)
    {
        var me = Names.Key(session.User!);
        var rooms = _rooms.Values
            .Where(r => !r.Moderation.Secret || r.Members.ContainsKey(me))
            .Select(r => new RoomSummary(r.Name, r.Topic, r.MemberCount, r.Members.ContainsKey(me), r.Moderation.Secret)
                { Created = r.Created, TopicMark = r.TopicMark, Large = r.IsLarge(limits.LargeRoomMembers) })
            .OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return rooms;
    }

    /// <summary>Creates a room; its creator is its first member.</summary>
    public async Task<Result<JoinResult>> CreateRoomAsync(Session session, string name, string? topic)
    {
        if (!Names.IsValid(name))
            return Error(ErrorCodes.BadName, $"a room name is {Names.Rule}");
        topic ??= "";
        if (TextLength.Exceeds(topic, limits.MaxTopicChars))
            return Error(ErrorCodes.TopicTooLong, $"a topic is at most {limits.MaxTopicChars} characters");
        if (session.IsGuest)
        {
            return limits.Guests == GuestPolicy.Open
                ? CreateTransientRoom(session.User!, name, topic)
                : GuestNotAllowed("create rooms");
        }
        var me = session.User!;
        var record = new RoomRecord(name, topic, Timestamps.Now(time), [me]);
        var exists = Error(ErrorCodes.RoomExists, $"a room named '{name}' exists already; join it");
        if (_rooms.ContainsKey(record.Key))
            return exists;
        // Someone else's create of this name is being stored: answer once it is done, so that a
        // join right after room_exists finds the room.
        var creating = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_creating.GetOrAdd(record.Key, creating.Task) is var earlier && earlier != creating.Task)
        {
            await earlier.ConfigureAwait(false);
            return exists;
        }
        try
        {
            if (!await store.TryCreateRoomAsync(record).ConfigureAwait(false))
                return exists;
            var room = AddRoom(name, topic, me);
            RoomModeration owned;
            lock (Topology)
                owned = Snapshot(room);
            await store.SetModerationAsync(record.Key, owned).ConfigureAwait(false);
            await cluster.PublishAsync(new RoomCreated(room.Name, room.Topic, me)).ConfigureAwait(false);
            return new JoinResult(room.Name, room.Topic);
        }
        finally
        {
            _creating.TryRemove(record.Key, out _);
            creating.SetResult();
        }
    }

    /// <summary>An open guest's room: in this node's memory only, with the guest as its first member.</summary>
    private Result<JoinResult> CreateTransientRoom(string creator, string name, string topic)
    {
        var key = Names.Key(name);
        lock (Topology)
        {
            if (_rooms.ContainsKey(key))
                return Error(ErrorCodes.RoomExists, $"a room named '{name}' exists already; join it");
            var room = NewRoom(name, topic, creator, transient: true);
            room.Sequencer.SetBaseline(0);
            // Classic IRC: the creator is the channel's operator, and the topic is the operators' (+t).
            room.Moderation = RoomModeration.Default with { TopicLocked = true };
            room.Roles[Names.Key(creator)] = RoomRole.Owner;
            _rooms[key] = room;
            AddMember(room, Names.Key(creator), creator);
            room.AddSessions(_presence.SessionsOf(Names.Key(creator)));
            return new JoinResult(room.Name, room.Topic);
        }
    }

    /// <summary>Joins a room, past its moderation: bans, invite-only, key (<paramref name="key"/>) and member limit, unless invited.</summary>
    public async Task<Result<JoinResult>> JoinAsync(Session session, string name, string? key = null)
    {
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        var me = session.User!;
        if (!room.Members.ContainsKey(Names.Key(me)))
        {
            lock (Topology)
            {
                if (JoinRefusal(room, Names.Key(me), me, key) is { } refused)
                    return refused;
                // Until it is a member, the join holds its place: concurrent joins cannot pass a member limit together.
                room.JoinsUnderway++;
            }
            bool joined;
            var holding = true;
            try
            {
                // Nothing of a guest is stored, nor anything of a transient room (nor do other nodes see it).
                if (!session.IsGuest && !room.Transient)
                    await store.AddMemberAsync(Names.Key(room.Name), Names.Key(me)).ConfigureAwait(false);
                (joined, holding) = (ApplyJoin(room, me, origin: session, heldPlace: true, refuseBanned: true), false);
            }
            finally
            {
                if (holding)
                {
                    lock (Topology)
                        room.JoinsUnderway--;
                }
            }
            if (!joined && !room.Members.ContainsKey(Names.Key(me)))
            {
                if (session.IsGuest || room.Transient)
                    return room.Deleted ? NoSuchRoom(name) : Error(ErrorCodes.Banned, $"you are banned from '{room.Name}'");
                var undone = await UndoJoinAsync(room, Names.Key(me), me).ConfigureAwait(false);
                return undone.Error!;
            }
            if (joined && !room.Transient)
                await cluster.PublishAsync(new MembershipChanged(room.Name, me, Joined: true)).ConfigureAwait(false);
        }
        return new JoinResult(room.Name, room.Topic);
    }

    /// <summary>Leaves a room; the room hears it, with <paramref name="reason"/> when one was given.</summary>
    public async Task<Result<string>> LeaveAsync(Session session, string name, string? reason = null)
    {
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        var me = session.User!;
        if (!room.Members.ContainsKey(Names.Key(me)))
            return NotMember(room);
        await HandOverAsync(session, room).ConfigureAwait(false);
        if (!session.IsGuest && !room.Transient)
            await store.RemoveMemberAsync(Names.Key(room.Name), Names.Key(me)).ConfigureAwait(false);
        if (ApplyLeave(room, me, origin: session, reason: reason) && !room.Transient)
            await cluster.PublishAsync(new MembershipChanged(room.Name, me, Joined: false)).ConfigureAwait(false);
        return room.Name;
    }

    public async Task<Result<Done>> SetTopicAsync(Session session, string name, string topic)
    {
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        var me = session.User!;
        if (!MayActIn(room, session))
            return NotMember(room);
        if (room.Moderation.TopicLocked && PowerOf(room, session) < RoomRole.Admin)
            return Error(ErrorCodes.NotPermitted, $"only admins change the topic of '{room.Name}'");
        if (TextLength.Exceeds(topic, limits.MaxTopicChars))
            return Error(ErrorCodes.TopicTooLong, $"a topic is at most {limits.MaxTopicChars} characters");
        Task stored;
        string previous;
        TopicMark? previousMark;
        var mark = new TopicMark(me, Timestamps.Now(time));
        lock (Topology)
        {
            // Memory and store take concurrent topic changes in the same order.
            (previous, previousMark) = (room.Topic, room.TopicMark);
            room.Topic = topic;
            room.TopicMark = mark;
            stored = room.Transient ? Task.CompletedTask : store.SetTopicAsync(Names.Key(room.Name), topic);
        }
        try
        {
            await stored.ConfigureAwait(false);
        }
        catch
        {
            lock (Topology)
            {
                if (room.TopicMark == mark)
                    (room.Topic, room.TopicMark) = (previous, previousMark);
            }
            throw;
        }
        DeliverTopic(room, topic, me, origin: session);
        if (!room.Transient)
        {
            await cluster.PublishAsync(new Cluster.TopicChanged(room.Name, topic, me)).ConfigureAwait(false);
            if (topic != previous)
                await Notices(room, me, RoomNotices.Topic(me, topic)).ConfigureAwait(false);
        }
        return Done.Value;
    }

    /// <summary>The rooms both users are in, for an adapter showing one user to the other (IRC re-joins a returning user).</summary>
    public IReadOnlyList<string> SharedRooms(string userName, string otherName)
    {
        var key = Names.Key(userName);
        var other = Names.Key(otherName);
        lock (Topology)
            return RoomsOf(key).Where(r => r.Members.ContainsKey(other)).Select(r => r.Name).ToList();
    }

    public Result<IReadOnlyList<MemberInfo>> Members(string name) =>
        FindRoom(name) is { } room ? new Result<IReadOnlyList<MemberInfo>>(MembersOf(room), null) : NoSuchRoom(name);

    /// <summary>The longest <c>members</c> <c>query</c>, in characters (a name is at most <see cref="Names.MaxLength"/>).</summary>
    public const int MaxMemberQueryChars = 64;

    /// <summary>
    /// A page of a room's members, online first, each part in natural name order, starting after
    /// <paramref name="after"/> (a <see cref="MemberPage.Next"/> of an earlier page); at most
    /// <paramref name="limit"/> of them (default and maximum <see cref="ChatLimits.MembersPageMax"/>).
    /// With a <paramref name="query"/>, only the members whose name contains it ignoring case, and
    /// the counts are of those; the order and the cursor are the same.
    /// </summary>
    /// <remarks>
    /// One pass over the members to count them and keep the first page of those after the cursor
    /// in a bounded queue (O(members × log page), not a sort of the whole room): a join reply in a
    /// room of 10,000 costs about a millisecond, and no reply carries 10,000 names.
    /// The match is ordinal ignoring case (Unicode simple case folding, the same on every machine):
    /// a linguistic match would let an ignorable character such as U+200B match every name.
    /// </remarks>
    public Result<MemberPage> MembersPage(string name, int? limit, string? after, string? query = null)
    {
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        var max = limits.MembersPageMax;
        var size = limit ?? max;
        if (size < 1 || size > max)
            return Error(ErrorCodes.BadField, $"'limit' of a members page is 1 to {max}");
        if (query is not null && TextLength.Exceeds(query, MaxMemberQueryChars))
            return Error(ErrorCodes.BadField, $"a members 'query' is at most {MaxMemberQueryChars} characters");
        MemberCursor cursor = default;
        if (after is not null && !MemberCursor.TryParse(after, out cursor))
            return Error(ErrorCodes.BadCursor, "'after' is not a cursor from a members reply; ask for the first page without it");
        var total = 0;
        var online = 0;
        var afterCursor = 0;
        string? next = null;
        // The page's members so far, the last of them in the order on top: each member after the
        // cursor goes in, and the last comes out once there are more than a page.
        var kept = new PriorityQueue<PageMember, PageMember>(size + 1, PageMember.LastFirst);
        foreach (var (key, user) in room.Members)
        {
            if (!string.IsNullOrEmpty(query) && !user.Contains(query, StringComparison.OrdinalIgnoreCase))
                continue;
            var isOnline = _presence.IsOnlineKey(key);
            total++;
            if (isOnline)
                online++;
            if (after is not null && MemberCursor.Compare(isOnline, key, cursor.Online, cursor.Key) <= 0)
                continue;
            afterCursor++;
            var member = new PageMember(isOnline, key, user);
            if (kept.Count < size)
                kept.Enqueue(member, member);
            else if (PageMember.LastFirst.Compare(member, kept.Peek()) > 0)
                kept.EnqueueDequeue(member, member);
        }
        var page = new MemberInfo[kept.Count];
        for (var i = page.Length - 1; i >= 0; i--)
        {
            var member = kept.Dequeue();
            page[i] = new MemberInfo(member.User, member.Online);
            if (i == page.Length - 1 && afterCursor > size)
                next = new MemberCursor(member.Online, member.Key).Encode();
        }
        return new MemberPage(page, total, online, next) { Large = room.IsLarge(limits.LargeRoomMembers) };
    }

    /// <summary>
    /// Tells each large room's sessions its counts, when they changed since it last did: a large
    /// room sends no join, leave or presence per member, so this is how a client's "10,000 members,
    /// 5,234 online" stays current. A room that stopped being large is told so once (its joins,
    /// leaves and presence come as events again). Called by the host's timer, one call at a time;
    /// costs one pass over each large room's members.
    /// </summary>
    public void AnnounceLargeRoomCounts()
    {
        foreach (var room in _rooms.Values)
        {
            var large = room.IsLarge(limits.LargeRoomMembers);
            if (!large && room.AnnouncedCounts is null)
                continue;
            var (members, online) = (0, 0);
            foreach (var (key, _) in room.Members)
            {
                members++;
                if (_presence.IsOnlineKey(key))
                    online++;
            }
            var counts = new RoomCountsEvent(room.Name, members, online, large);
            if (room.AnnouncedCounts == counts)
                continue;
            room.AnnouncedCounts = large ? counts : null;
            var told = room.Sessions.Where(s => !s.KeepsFullMemberLists).ToArray();
            Fanout.Deliver(counts, told, except: null);
        }
    }

    /// <summary>Another node's join or leave, applied to this node's view.</summary>
    public void ApplyRemote(MembershipChanged change)
    {
        if (change.Joined)
        {
            if (FindRoom(change.Room) is { } joined)
                ApplyJoin(joined, change.User, origin: null, by: change.By);
        }
        else if (FindRoom(change.Room) is { } left)
            ApplyLeave(left, change.User, origin: null, change.Quit);
    }

    /// <summary>Another node's topic change, applied to this node's view.</summary>
    public void ApplyRemote(Cluster.TopicChanged change)
    {
        if (FindRoom(change.Room) is { } titled)
        {
            titled.Topic = change.Topic;
            titled.TopicMark = new TopicMark(change.By, Timestamps.Now(time));
            DeliverTopic(titled, change.Topic, change.By, origin: null);
        }
    }

    /// <summary>Adds a room to this node's view (made here or on another node), with its creator as member.</summary>
    public RoomState AddRoom(string name, string topic, string creator)
    {
        var creatorKey = Names.Key(creator);
        lock (Topology)
        {
            if (_rooms.TryGetValue(Names.Key(name), out var existing))
                return existing;
            var room = NewRoom(name, topic, creator);
            room.Sequencer.SetBaseline(0);
            _rooms[Names.Key(name)] = room;
            room.Roles[creatorKey] = RoomRole.Owner;
            AddMember(room, creatorKey, creator);
            room.AddSessions(_presence.SessionsOf(creatorKey));
            knownUsers.Add(creatorKey, creator);
            return room;
        }
    }

    /// <summary>Makes the user a member in this node's view and tells the room (in a large room, see <see cref="MembershipAudience"/>); false if it already was one.</summary>
    /// <param name="heldPlace">The join counted in <see cref="RoomState.JoinsUnderway"/>: it gives its place back as it becomes a member.</param>
    /// <param name="by">The member who added the user (native <c>invite</c>), if not the user itself.</param>
    /// <param name="refuseBanned">A join made on this node: refused if a ban came while its store write was under way (not for another node's, already made there).</param>
    public bool ApplyJoin(RoomState room, string user, Session? origin, bool heldPlace = false, string? by = null, bool refuseBanned = false)
    {
        var key = Names.Key(user);
        Session[] audience;
        lock (Topology)
        {
            if (heldPlace)
                room.JoinsUnderway--;
            // Deleted, or the user banned, while the join's store write was under way.
            if (room.Deleted || (refuseBanned && !room.Invited.Contains(key) && room.Moderation.IsBanned(user, time.GetUtcNow())))
                return false;
            // A join uses up the user's invitation, on every node (another node's join arrives here).
            room.Invited.Remove(key);
            if (!AddMember(room, key, user))
                return false;
            room.AddSessions(_presence.SessionsOf(key));
            audience = MembershipAudience(room, key);
        }
        Fanout.Deliver(new MembershipEvent(room.Name, user, Joined: true, Away: _presence.AwayOf(user), By: by), audience, except: origin);
        return true;
    }

    /// <summary>Removes the user from the room in this node's view; everyone who was in it hears of it (in a large room, see <see cref="MembershipAudience"/>).</summary>
    public bool ApplyLeave(RoomState room, string user, Session? origin, bool quit = false, string? reason = null)
    {
        var key = Names.Key(user);
        Session[] audience;
        lock (Topology)
        {
            // The leaver's other sessions are in the audience too.
            audience = MembershipAudience(room, key);
            if (!RemoveMember(room, key))
                return false;
            room.RemoveSessions(_presence.SessionsOf(key));
            // A transient room ends with its last member; a later one of that name starts afresh.
            EndIfEmpty(room);
        }
        Fanout.Deliver(new MembershipEvent(room.Name, user, Joined: false, quit, reason), audience, except: origin);
        return true;
    }

    /// <summary>
    /// A guest's memberships end with its last session, and anyone's memberships of transient
    /// rooms: each room hears it leave (marked as a quit). The other nodes are told only once its
    /// offline presence has gone out, so they too show the quit (to the guest's room-mates) before
    /// the guest leaves the rooms.
    /// </summary>
    public async Task EndMembershipsAsync(string name, bool guest, Task offlinePublished)
    {
        var key = Names.Key(name);
        List<RoomState> rooms;
        lock (Topology)
            rooms = RoomsOf(key).Where(r => guest || r.Transient).ToList();
        if (rooms.Count == 0)
            return;
        var left = rooms.Where(room => ApplyLeave(room, name, origin: null, quit: true) && !room.Transient).ToList();
        await offlinePublished.ConfigureAwait(false);
        foreach (var room in left)
            await cluster.PublishAsync(new MembershipChanged(room.Name, name, Joined: false, Quit: true)).ConfigureAwait(false);
    }

    /// <summary>A guest's memberships under its new name. Call under the topology lock.</summary>
    public void RenameMember(string oldKey, string newKey, string newName)
    {
        if (!_roomsOfUser.Remove(oldKey, out var roomKeys))
            return;
        _roomsOfUser[newKey] = roomKeys;
        foreach (var room in roomKeys.Select(k => _rooms.GetValueOrDefault(k)).OfType<RoomState>())
        {
            room.Members.TryRemove(oldKey, out _);
            room.Members[newKey] = newName;
            if (room.Roles.TryRemove(oldKey, out var role))
                room.Roles[newKey] = role;
            // A mute is by name: it follows the guest to its new one.
            if (room.Moderation.Mutes.Any(m => Names.Key(m.User) == oldKey))
                room.Moderation = room.Moderation with { Mutes = room.Moderation.Mutes.Select(m => Names.Key(m.User) == oldKey ? m with { User = newName } : m).ToList() };
        }
    }

    public RoomState? FindRoom(string name) =>
        Names.IsValid(name) && _rooms.TryGetValue(name, out var room) ? room : null;

    /// <summary>The room with this key (<see cref="Names.Key"/>), unchecked: for keys that come from the store.</summary>
    public bool TryGetValue(string roomKey, [MaybeNullWhen(false)] out RoomState room) => _rooms.TryGetValue(roomKey, out room);

    /// <summary>The rooms a user is in. Call under the topology lock.</summary>
    public IEnumerable<RoomState> RoomsOf(string userKey) =>
        _roomsOfUser.TryGetValue(userKey, out var roomKeys)
            ? roomKeys.Select(k => _rooms.GetValueOrDefault(k)).OfType<RoomState>()
            : [];

    /// <param name="created">When a stored room was made; null for one made now, whose topic, if any, is its creator's.</param>
    private RoomState NewRoom(string name, string topic, string? creator, bool transient = false, DateTimeOffset? created = null)
    {
        RoomState? room = null;
        room = new RoomState(name, topic, sequencers.For(ConversationKey.ForRoom(name), (message, origin) => Messaging.DeliverToRoom(room!, message, origin)), transient)
        {
            Created = created ?? Timestamps.Now(time),
        };
        if (created is null && topic.Length > 0)
            room.TopicMark = new TopicMark(creator, room.Created);
        return room;
    }

    /// <summary>Records a membership in the room's member list and the user's room index. Call under the topology lock.</summary>
    private bool AddMember(RoomState room, string userKey, string user)
    {
        if (!room.TryAddMember(userKey, user))
            return false;
        if (!_roomsOfUser.TryGetValue(userKey, out var roomKeys))
            _roomsOfUser[userKey] = roomKeys = new HashSet<string>(StringComparer.Ordinal);
        roomKeys.Add(Names.Key(room.Name));
        return true;
    }

    /// <summary>Ends a membership, and its role where roles end with it (a guest's, any in a transient room). Call under the topology lock.</summary>
    private bool RemoveMember(RoomState room, string userKey)
    {
        if (!room.TryRemoveMember(userKey))
            return false;
        if (room.Transient || !knownUsers.IsKnown(userKey))
            room.Roles.TryRemove(userKey, out _);
        if (_roomsOfUser.TryGetValue(userKey, out var roomKeys) && roomKeys.Remove(Names.Key(room.Name)) && roomKeys.Count == 0)
            _roomsOfUser.Remove(userKey);
        return true;
    }

    /// <summary>
    /// Who hears that the user joined or left the room: all its sessions; in a large room only
    /// those keeping whole member lists (IRC) and the user's own, as a client showing a room of
    /// thousands pages its members rather than following each one. Call under the topology lock.
    /// </summary>
    private Session[] MembershipAudience(RoomState room, string userKey)
    {
        if (!room.IsLarge(limits.LargeRoomMembers))
            return room.Sessions;
        var own = _presence.SessionsOf(userKey);
        return own.Length == 0 ? room.ListSessions : [.. room.ListSessions.Union(own)];
    }

    private static void DeliverTopic(RoomState room, string topic, string by, Session? origin) =>
        Fanout.Deliver(new TopicEvent(room.Name, topic, by), room.Sessions, except: origin);

    private IReadOnlyList<MemberInfo> MembersOf(RoomState room) =>
        room.Members
            .Select(m => new MemberInfo(m.Value, _presence.IsOnlineKey(m.Key)))
            .OrderBy(m => m.User, StringComparer.OrdinalIgnoreCase)
            .ToList();

    /// <summary>A member while a page is picked; <see cref="LastFirst"/> orders the page backwards, so a bounded queue keeps the first ones.</summary>
    private readonly record struct PageMember(bool Online, string Key, string User)
    {
        public static readonly IComparer<PageMember> LastFirst =
            Comparer<PageMember>.Create(static (a, b) => MemberCursor.Compare(b.Online, b.Key, a.Online, a.Key));
    }
}
