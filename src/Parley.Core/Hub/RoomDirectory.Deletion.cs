using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Model;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>
/// Deleting a room: its owner ends it, and it goes with its members, moderation and history. The
/// default room stays. The room leaves memory first, so no send or join reaches it while the store
/// deletes it; a name freed this way may be taken again, and its conversation starts afresh.
/// </summary>
internal sealed partial class RoomDirectory
{
    public async Task<Result<string>> DeleteAsync(Session session, string name)
    {
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        if (string.Equals(room.Name, limits.DefaultRoom, StringComparison.OrdinalIgnoreCase))
            return Error(ErrorCodes.NotPermitted, $"'{room.Name}' is where every new user starts: it cannot be deleted");
        lock (Topology)
        {
            if (!room.Members.ContainsKey(session.UserKey!))
                return NotMember(room);
            // A transient room's owner is only its first admin (see RoomDirectory.Moderation).
            if (room.RoleOf(session.UserKey!) < (room.Transient ? RoomRole.Admin : RoomRole.Owner))
                return Error(ErrorCodes.NotPermitted, $"only the owner of '{room.Name}' deletes it");
        }
        if (!Remove(room, session.User!))
            return NoSuchRoom(name);
        if (!room.Transient)
        {
            await store.DeleteRoomAsync(Names.Key(room.Name)).ConfigureAwait(false);
            await cluster.PublishAsync(new RoomDeleted(room.Name, session.User!)).ConfigureAwait(false);
        }
        return room.Name;
    }

    /// <summary>Another node's deletion: the room leaves this node's view, and its sessions here hear it.</summary>
    public void ApplyRemote(RoomDeleted deleted)
    {
        if (FindRoom(deleted.Room) is { } room)
            Remove(room, deleted.By);
    }

    /// <summary>Takes the room out of this node's view, with every membership, and tells those who were in it. False if it was gone already.</summary>
    private bool Remove(RoomState room, string by)
    {
        Session[] audience;
        lock (Topology)
        {
            if (!_rooms.TryRemove(new KeyValuePair<string, RoomState>(Names.Key(room.Name), room)))
                return false;
            audience = room.Sessions;
            foreach (var member in room.Members.Keys)
                RemoveMember(room, member);
            room.RemoveSessions(audience);
        }
        Fanout.Deliver(new RoomDeletedEvent(room.Name, by), audience, except: null);
        return true;
    }
}
