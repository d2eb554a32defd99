using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Model;

namespace Parley.Core.Hub;

public sealed partial class ChatHub
{
    public Result<IReadOnlyList<RoomSummary>> Rooms(Session session)
    {
        var me = Names.Key(session.User!);
        var rooms = _rooms.Values
            .Select(r => new RoomSummary(r.Name, r.Topic, r.Members.Count, r.Members.ContainsKey(me)))
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
        if (TextLength.Exceeds(topic, _limits.MaxTopicChars))
            return Error(ErrorCodes.TopicTooLong, $"a topic is at most {_limits.MaxTopicChars} characters");
        if (session.IsGuest)
            return GuestNotAllowed("create rooms");
        var me = session.User!;
        var record = new RoomRecord(name, topic, Now(), [me]);
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
            if (!await _store.TryCreateRoomAsync(record).ConfigureAwait(false))
                return exists;
            var room = AddRoom(name, topic, me);
            await PublishAsync(new RoomCreated(room.Name, room.Topic, me)).ConfigureAwait(false);
            return new JoinResult(room.Name, room.Topic, MembersOf(room));
        }
        finally
        {
            _creating.TryRemove(record.Key, out _);
            creating.SetResult();
        }
    }

    public async Task<Result<JoinResult>> JoinAsync(Session session, string name)
    {
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        var me = session.User!;
        if (!room.Members.ContainsKey(Names.Key(me)))
        {
            if (!session.IsGuest)
                await _store.AddMemberAsync(Names.Key(room.Name), Names.Key(me)).ConfigureAwait(false);
            if (ApplyJoin(room, me, origin: session))
                await PublishAsync(new MembershipChanged(room.Name, me, Joined: true)).ConfigureAwait(false);
        }
        return new JoinResult(room.Name, room.Topic, MembersOf(room));
    }

    public async Task<Result<string>> LeaveAsync(Session session, string name)
    {
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        var me = session.User!;
        if (!room.Members.ContainsKey(Names.Key(me)))
            return NotMember(room);
        if (!session.IsGuest)
            await _store.RemoveMemberAsync(Names.Key(room.Name), Names.Key(me)).ConfigureAwait(false);
        if (ApplyLeave(room, me, origin: session))
            await PublishAsync(new MembershipChanged(room.Name, me, Joined: false)).ConfigureAwait(false);
        return room.Name;
    }

    public async Task<Result<Done>> SetTopicAsync(Session session, string name, string topic)
    {
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        var me = session.User!;
        if (!room.Members.ContainsKey(Names.Key(me)))
            return NotMember(room);
        if (TextLength.Exceeds(topic, _limits.MaxTopicChars))
            return Error(ErrorCodes.TopicTooLong, $"a topic is at most {_limits.MaxTopicChars} characters");
        Task stored;
        string previous;
        lock (_topology)
        {
            // Memory and store take concurrent topic changes in the same order.
            previous = room.Topic;
            room.Topic = topic;
            stored = _store.SetTopicAsync(Names.Key(room.Name), topic);
        }
        try
        {
            await stored.ConfigureAwait(false);
        }
        catch
        {
            lock (_topology)
            {
                if (room.Topic == topic)
                    room.Topic = previous;
            }
            throw;
        }
        DeliverTopic(room, topic, me, origin: session);
        await PublishAsync(new Cluster.TopicChanged(room.Name, topic, me)).ConfigureAwait(false);
        return Done.Value;
    }

    /// <summary>The rooms both users are in, for an adapter showing one user to the other (IRC re-joins a returning user).</summary>
    public IReadOnlyList<string> SharedRooms(string userName, string otherName)
    {
        var key = Names.Key(userName);
        var other = Names.Key(otherName);
        lock (_topology)
            return RoomsOf(key).Where(r => r.Members.ContainsKey(other)).Select(r => r.Name).ToList();
    }

    public Result<IReadOnlyList<MemberInfo>> Members(string name) =>
        FindRoom(name) is { } room ? new Result<IReadOnlyList<MemberInfo>>(MembersOf(room), null) : NoSuchRoom(name);

    /// <summary>Adds a room to this node's view (made here or on another node), with its creator as member.</summary>
    private RoomState AddRoom(string name, string topic, string creator)
    {
        var creatorKey = Names.Key(creator);
        lock (_topology)
        {
            if (_rooms.TryGetValue(Names.Key(name), out var existing))
                return existing;
            var room = NewRoom(name, topic);
            room.Sequencer.SetBaseline(0);
            _rooms[Names.Key(name)] = room;
            AddMember(_roomsOfUser, room, creatorKey, creator);
            room.AddSessions(SessionsOf(creatorKey));
            _knownUsers[creatorKey] = creator;
            return room;
        }
    }

    /// <summary>Makes the user a member in this node's view and tells the room; false if it already was one.</summary>
    private bool ApplyJoin(RoomState room, string user, Session? origin)
    {
        var key = Names.Key(user);
        lock (_topology)
        {
            if (!AddMember(_roomsOfUser, room, key, user))
                return false;
            room.AddSessions(SessionsOf(key));
        }
        Deliver(new MembershipEvent(room.Name, user, Joined: true), room.Sessions, except: origin);
        return true;
    }

    /// <summary>Removes the user from the room in this node's view; everyone who was in it hears of it.</summary>
    private bool ApplyLeave(RoomState room, string user, Session? origin, bool quit = false)
    {
        var key = Names.Key(user);
        Session[] audience;
        lock (_topology)
        {
            // The leaver's other sessions are in the audience too.
            audience = room.Sessions;
            if (!RemoveMember(_roomsOfUser, room, key))
                return false;
            room.RemoveSessions(SessionsOf(key));
        }
        Deliver(new MembershipEvent(room.Name, user, Joined: false, quit), audience, except: origin);
        return true;
    }

    private static void DeliverTopic(RoomState room, string topic, string by, Session? origin) =>
        Deliver(new TopicEvent(room.Name, topic, by), room.Sessions, except: origin);

    private IReadOnlyList<MemberInfo> MembersOf(RoomState room) =>
        room.Members
            .Select(m => new MemberInfo(m.Value, IsOnlineKey(m.Key)))
            .OrderBy(m => m.User, StringComparer.OrdinalIgnoreCase)
            .ToList();

    private RoomState? FindRoom(string name) =>
        Names.IsValid(name) && _rooms.TryGetValue(name, out var room) ? room : null;

    private static ChatError NoSuchRoom(string name) =>
        Names.IsValid(name)
            ? Error(ErrorCodes.NoSuchRoom, $"there is no room '{name}'")
            : Error(ErrorCodes.BadName, $"a room name is {Names.Rule}");

    private static ChatError NotMember(RoomState room) =>
        Error(ErrorCodes.NotMember, $"you are not in '{room.Name}'; join it first");
}
