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
            return Error(ErrorCodes.BadName, "a room name is 1-32 letters, digits, '_' or '-', starting with a letter");
        topic ??= "";
        if (TextLength.Exceeds(topic, _limits.MaxTopicChars))
            return Error(ErrorCodes.TopicTooLong, $"a topic is at most {_limits.MaxTopicChars} characters");
        var me = session.User!;
        var record = new RoomRecord(name, topic, Now(), [me]);
        if (_rooms.ContainsKey(record.Key) || !await _store.TryCreateRoomAsync(record).ConfigureAwait(false))
            return Error(ErrorCodes.RoomExists, $"a room named '{name}' exists already; join it");

        var room = new RoomState(name, topic);
        lock (_topology)
        {
            room.Members[Names.Key(me)] = me;
            room.AddSessions(SessionsOf(Names.Key(me)));
            _rooms[record.Key] = room;
        }
        return new JoinResult(room.Name, room.Topic, MembersOf(room));
    }

    public async Task<Result<JoinResult>> JoinAsync(Session session, string name)
    {
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        var me = session.User!;
        var myKey = Names.Key(me);
        if (!room.Members.ContainsKey(myKey))
        {
            await _store.AddMemberAsync(Names.Key(room.Name), myKey).ConfigureAwait(false);
            bool added;
            lock (_topology)
            {
                added = room.Members.TryAdd(myKey, me);
                room.AddSessions(SessionsOf(myKey));
            }
            if (added)
                Deliver(new MembershipEvent(room.Name, me, Joined: true), room.Sessions, except: session);
        }
        return new JoinResult(room.Name, room.Topic, MembersOf(room));
    }

    public async Task<Result<string>> LeaveAsync(Session session, string name)
    {
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        var me = session.User!;
        var myKey = Names.Key(me);
        if (!room.Members.ContainsKey(myKey))
            return NotMember(room);
        await _store.RemoveMemberAsync(Names.Key(room.Name), myKey).ConfigureAwait(false);
        Session[] audience;
        lock (_topology)
        {
            // Everyone who was in the room, the leaver's other sessions included, hears of it.
            audience = room.Sessions;
            if (!room.Members.TryRemove(myKey, out _))
                return room.Name;
            room.RemoveSessions(SessionsOf(myKey));
        }
        Deliver(new MembershipEvent(room.Name, me, Joined: false), audience, except: session);
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
        lock (_topology)
        {
            // Memory and store take concurrent topic changes in the same order.
            room.Topic = topic;
            stored = _store.SetTopicAsync(Names.Key(room.Name), topic);
        }
        await stored.ConfigureAwait(false);
        Deliver(new TopicEvent(room.Name, topic, me), room.Sessions, except: session);
        return Done.Value;
    }

    public Result<IReadOnlyList<MemberInfo>> Members(string name) =>
        FindRoom(name) is { } room ? Result(MembersOf(room)) : NoSuchRoom(name);

    private static Result<IReadOnlyList<MemberInfo>> Result(IReadOnlyList<MemberInfo> members) => new(members, null);

    private IReadOnlyList<MemberInfo> MembersOf(RoomState room) =>
        room.Members
            .Select(m => new MemberInfo(m.Value, _online.ContainsKey(m.Key)))
            .OrderBy(m => m.User, StringComparer.OrdinalIgnoreCase)
            .ToList();

    private RoomState? FindRoom(string name) =>
        Names.IsValid(name) && _rooms.TryGetValue(Names.Key(name), out var room) ? room : null;

    private static ChatError NoSuchRoom(string name) =>
        Names.IsValid(name)
            ? Error(ErrorCodes.NoSuchRoom, $"there is no room '{name}'; 'rooms' lists them, 'create' makes one")
            : Error(ErrorCodes.BadName, "a room name is 1-32 letters, digits, '_' or '-', starting with a letter");

    private static ChatError NotMember(RoomState room) =>
        Error(ErrorCodes.NotMember, $"you are not in '{room.Name}'; join it first");
}
