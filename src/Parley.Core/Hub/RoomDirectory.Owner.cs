using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Model;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>
/// Rooms as the server's operator sees them: their owners, a new owner, the rooms of a deleted
/// account; and who has every room power (<see cref="IsServerAdmin"/>).
/// </summary>
internal sealed partial class RoomDirectory
{
    /// <summary>
    /// Whether the user is one of the server-wide admins (configuration <c>Admins</c>): they have
    /// every power in every room, as if each room's owner. For the room powers' checks to call.
    /// </summary>
    public bool IsServerAdmin(string userKey) => limits.ServerAdmins.Contains(userKey);

    /// <summary>A server-wide admin's session (its account's: a guest who took the name is not one), or an IRC operator's.</summary>
    private bool HasServerPowers(Session session) =>
        session.HasServerPowers || (!session.IsGuest && session.UserKey is { } key && IsServerAdmin(key));

    /// <summary>The role the session acts with in the room: its user's, or the owner's powers for a server admin. Call under the topology lock.</summary>
    private RoomRole PowerOf(RoomState room, Session session) =>
        HasServerPowers(session) ? RoomRole.Owner : room.RoleOf(session.UserKey!);

    /// <summary>Whether the session acts as the room's admin (or more): an admin recalls anyone's message, and calls everyone with <c>@all</c>.</summary>
    public bool ActsAsAdmin(RoomState room, Session session)
    {
        lock (Topology)
            return PowerOf(room, session) >= RoomRole.Admin;
    }

    /// <summary>
    /// Whether the session may take back someone else's message in the room: a room admin may
    /// recall its own and the messages of those it outranks (as it may kick them), a server admin anyone's.
    /// </summary>
    public bool OutranksAuthor(RoomState room, Session session, string author)
    {
        lock (Topology)
        {
            var power = PowerOf(room, session);
            return power >= RoomRole.Admin
                && (HasServerPowers(session) || Names.Key(author) == session.UserKey || power > room.RoleOf(Names.Key(author)));
        }
    }

    /// <summary>Whether the session may run the room at all: a member, or a server admin from outside it. Call under the topology lock.</summary>
    private bool MayActIn(RoomState room, Session session) =>
        room.Members.ContainsKey(session.UserKey!) || HasServerPowers(session);

    /// <summary>Every stored room with its member count and owners (members whose role is owner), by name.</summary>
    public IReadOnlyList<RoomOwnership> Ownership()
    {
        lock (Topology)
        {
            return All.Where(r => !r.Transient)
                .Select(r => new RoomOwnership(r.Name, r.MemberCount,
                    r.Roles.Where(role => role.Value == RoomRole.Owner && r.Members.ContainsKey(role.Key))
                        .Select(role => r.Members[role.Key]).Order(StringComparer.OrdinalIgnoreCase).ToList()))
                .OrderBy(r => r.Room, StringComparer.OrdinalIgnoreCase)
                .ToList();
        }
    }

    /// <summary>
    /// Makes the member <paramref name="userName"/> the owner of a stored room, for the operator
    /// (<paramref name="by"/> names it in the event): the owners it had become admins. The same
    /// change as an owner's own role change (<see cref="ChangeAsync"/>): stored, told to the room
    /// and to the other nodes as a <see cref="RoomModerated"/>.
    /// </summary>
    public async Task<Result<string>> SetOwnerAsync(string roomName, string userName, string by)
    {
        if (FindRoom(roomName) is not { Transient: false } room)
            return NoSuchRoom(roomName);
        await room.ModerationGate.WaitAsync().ConfigureAwait(false);
        try
        {
            var target = Names.Key(userName);
            var changes = new List<RoomChange>();
            RoomModeration snapshot;
            lock (Topology)
            {
                if (!room.Members.TryGetValue(target, out var member))
                    return Error(ErrorCodes.NotInRoom, $"'{userName}' is not in '{room.Name}'");
                if (room.RoleOf(target) == RoomRole.Owner)
                    return member;
                var moderation = room.Moderation;
                foreach (var (key, role) in room.Roles.ToList())
                {
                    if (role != RoomRole.Owner)
                        continue;
                    var name = room.Members.GetValueOrDefault(key) ?? key;
                    changes.Add(new RoomChange(RoomSetting.Role, On: false, name, RoomRole.Owner));
                    changes.Add(new RoomChange(RoomSetting.Role, On: true, name, RoomRole.Admin));
                }
                changes.Add(new RoomChange(RoomSetting.Role, On: true, member, RoomRole.Owner));
                foreach (var change in changes)
                    moderation = Apply(room, moderation, change, by).Item1;
                room.Moderation = moderation with { };
                snapshot = Snapshot(room);
            }
            // Unlike ChangeAsync, a failed store is not undone in memory: the operator sees the error and repeats it.
            await store.SetModerationAsync(Names.Key(room.Name), snapshot).ConfigureAwait(false);
            Fanout.Deliver(new RoomChangedEvent(room.Name, by, changes), room.Sessions, except: null);
            await cluster.PublishAsync(new RoomModerated(room.Name, by, changes)).ConfigureAwait(false);
            return room.Members.GetValueOrDefault(target) ?? userName;
        }
        finally
        {
            room.ModerationGate.Release();
        }
    }

    /// <summary>
    /// A deleted account leaves every room it was in (the store has already removed its
    /// memberships): each room hears it leave, here and on the other nodes. Its roles go with it,
    /// from the store too, and a room it owned passes to an heir as when an owner leaves.
    /// </summary>
    public async Task RemoveDeletedAsync(string userName)
    {
        var key = Names.Key(userName);
        List<RoomState> rooms;
        lock (Topology)
            rooms = RoomsOf(key).ToList();
        foreach (var room in rooms)
        {
            if (!room.Transient)
            {
                // A room it owned passes to an heir, as when an owner leaves; then its role is forgotten, in the store too.
                string? heir;
                lock (Topology)
                    heir = room.RoleOf(key) == RoomRole.Owner ? HeirOf(room, key) : null;
                if (heir is not null)
                    await SetOwnerAsync(room.Name, heir, by: userName).ConfigureAwait(false);
                await room.ModerationGate.WaitAsync().ConfigureAwait(false);
                try
                {
                    Task stored = Task.CompletedTask;
                    lock (Topology)
                    {
                        if (room.Roles.TryRemove(key, out _))
                            stored = store.SetModerationAsync(Names.Key(room.Name), Snapshot(room));
                    }
                    await stored.ConfigureAwait(false);
                }
                finally
                {
                    room.ModerationGate.Release();
                }
            }
            else
            {
                room.Roles.TryRemove(key, out _);
            }
            if (ApplyLeave(room, userName, origin: null, reason: "account deleted") && !room.Transient)
                await cluster.PublishAsync(new MembershipChanged(room.Name, userName, Joined: false)).ConfigureAwait(false);
        }
    }
}
