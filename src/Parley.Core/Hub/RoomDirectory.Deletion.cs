using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Model;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>
/// Deleting a room: its owner ends it, and it goes with its members, moderation and history. The
/// default room stays. Under the room's moderation gate (a change under way finishes first), the
/// room leaves memory and is marked deleted, then its sequencer takes no more appends, so every
/// message it accepted is in the store's queue ahead of the delete and goes with it; a join whose
/// store write was under way finds the mark and undoes it. A name freed this way may be taken
/// again, and its conversation starts afresh. (Another node's send at the same moment can still
/// land after the delete: nodes do not share a lock.)
/// </summary>
internal sealed partial class RoomDirectory
{
    public async Task<Result<string>> DeleteAsync(Session session, string name)
    {
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        if (string.Equals(room.Name, limits.DefaultRoom, StringComparison.OrdinalIgnoreCase))
            return Error(ErrorCodes.NotPermitted, $"'{room.Name}' is where every new user starts: it cannot be deleted");
        await room.ModerationGate.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (Topology)
            {
                if (!MayActIn(room, session))
                    return NotMember(room);
                // A transient room's owner is only its first admin (see RoomDirectory.Moderation).
                if (PowerOf(room, session) < (room.Transient ? RoomRole.Admin : RoomRole.Owner))
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
        finally
        {
            room.ModerationGate.Release();
        }
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
            room.Deleted = true;
            audience = room.Sessions;
            foreach (var member in room.Members.Keys)
                RemoveMember(room, member);
            room.RemoveSessions(audience);
        }
        room.Sequencer.Close();
        Fanout.Deliver(new RoomDeletedEvent(room.Name, by), audience, except: null);
        return true;
    }
}
