using Parley.Core.Cluster;
using Parley.Core.Model;

namespace Parley.Core.Hub;

/// <summary>
/// Guests: users without an account (IRC clients that register with NICK/USER only). A guest
/// takes a name no account has and no one online uses, joins existing rooms and talks in them.
/// Its memberships live in memory only and end with its connection, so nothing of its own is
/// kept after it leaves; the messages it said stay in their rooms' history. Guests cannot create
/// rooms or exchange direct messages: a later guest or account with the same name must not
/// inherit a conversation.
/// </summary>
public sealed partial class ChatHub
{
    public async Task<Result<SessionStart>> SignInGuestAsync(Session session, string name)
    {
        if (session.IsAuthenticated)
            return Error(ErrorCodes.AlreadyAuthenticated, "this connection is already signed in");
        if (!Names.IsValid(name))
            return Error(ErrorCodes.BadName, $"a user name is {Names.Rule}");
        if (await FindUserNameAsync(name).ConfigureAwait(false) is not null)
            return Error(ErrorCodes.UserExists, $"'{name}' is a registered account; sign in to use it");
        if (!await AttachAsync(session, name, asGuest: true).ConfigureAwait(false))
            return Error(ErrorCodes.UserExists, $"'{name}' is in use right now");
        return new SessionStart(name, Token: null, [], []);
    }

    /// <summary>
    /// A guest's memberships end with its last session: each room hears it leave (marked as a
    /// quit). The other nodes are told only once its offline presence has gone out, so they too
    /// show the quit (to the guest's room-mates) before the guest leaves the rooms.
    /// </summary>
    private async Task EndGuestMembershipsAsync(string name, Task offlinePublished)
    {
        var key = Names.Key(name);
        List<RoomState> rooms;
        lock (_topology)
            rooms = RoomsOf(key).ToList();
        var left = rooms.Where(room => ApplyLeave(room, name, origin: null, quit: true)).ToList();
        await offlinePublished.ConfigureAwait(false);
        foreach (var room in left)
            await PublishAsync(new MembershipChanged(room.Name, name, Joined: false, Quit: true)).ConfigureAwait(false);
    }

    private static ChatError GuestNotAllowed(string what) =>
        Error(ErrorCodes.GuestNotAllowed, $"guests cannot {what}; sign in with an account");
}
