using Parley.Core.Model;
using Parley.Core.Policy;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>
/// Guests: users without an account (IRC clients that register with NICK/USER only). A guest
/// takes a name no account has and no one online uses, joins existing rooms and talks in them.
/// Its memberships live in memory only and end with its connection
/// (<see cref="RoomDirectory.EndGuestMembershipsAsync"/>), so nothing of its own is kept after
/// it leaves; the messages it said stay in their rooms' history. Guests cannot create rooms or
/// exchange direct messages (<see cref="ChatErrors.GuestNotAllowed"/>): a later guest or account
/// with the same name must not inherit a conversation.
///
/// Concurrency: no state of its own; a guest's name is checked and taken at once, under the topology lock, by <see cref="PresenceRegistry.AttachAsync"/>.
/// </summary>
internal sealed class Guests(KnownUsers knownUsers, PresenceRegistry presence, ChatLimits limits, TimeProvider time)
{
    /// <summary>
    /// How long a sign-in waits for a name held by a connection on this node, which may be going
    /// away: a client that drops its connection and at once opens another under the same nick
    /// races the server's handling of the first one's end (its EOF and the new NICK are read on
    /// different threads); without the wait it gets 433 for its own name. A name held on another
    /// node is refused at once.
    /// </summary>
    private static readonly TimeSpan[] NameReleaseWaits = [TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100)];

    /// <summary>An open guest takes another name, one no account has and no one online uses.</summary>
    public async Task<Result<string>> RenameAsync(Session session, string name)
    {
        if (!session.IsGuest || limits.Guests != GuestPolicy.Open)
            return Error(ErrorCodes.GuestNotAllowed, "only guests may change their name, where guests are open; an account keeps its name");
        // Its own name in another case was free of accounts when it took it.
        if (await NameRefusalAsync(name, checkAccounts: Names.Key(name) != session.UserKey).ConfigureAwait(false) is { } refused)
            return refused;
        if (!presence.RenameGuest(session, name))
            return Error(ErrorCodes.UserExists, $"'{name}' is in use right now");
        return name;
    }

    /// <summary>
    /// Signs the session in as a guest under <paramref name="name"/>. A guest is an account made on
    /// the spot for as long as the connection lasts, so where <see cref="ChatLimits.Registration"/>
    /// makes no accounts on request (closed, or by invitation) no guest is let in either: otherwise
    /// anyone could talk on a server its operator keeps to the people it invited.
    /// </summary>
    public async Task<Result<SessionStart>> SignInGuestAsync(Session session, string name)
    {
        if (session.IsAuthenticated)
            return Error(ErrorCodes.AlreadyAuthenticated, "this connection is already signed in");
        if (limits.Registration == RegistrationMode.Closed)
            return Error(ErrorCodes.RegistrationClosed, "this server makes no accounts on request, so it takes no guests either; ask its operator for an account");
        if (limits.Registration == RegistrationMode.Invite)
            return Error(ErrorCodes.RegistrationClosed, "this server takes new people by invitation only, so it takes no guests; register with an invitation code, then sign in");
        if (await NameRefusalAsync(name, checkAccounts: true).ConfigureAwait(false) is { } refused)
            return refused;
        foreach (var wait in NameReleaseWaits)
        {
            if (await presence.AttachAsync(session, name, asGuest: true).ConfigureAwait(false))
                return new SessionStart(name, Token: null, [], []);
            if (presence.SessionsOf(Names.Key(name)).Length == 0)
                break;
            await Task.Delay(wait, time).ConfigureAwait(false);
        }
        if (!await presence.AttachAsync(session, name, asGuest: true).ConfigureAwait(false))
            return Error(ErrorCodes.UserExists, $"'{name}' is in use right now");
        return new SessionStart(name, Token: null, [], []);
    }

    /// <summary>Why a guest may not take the name (not a valid name, or an account's), or null; whether it is online is presence's to say.</summary>
    private async Task<ChatError?> NameRefusalAsync(string name, bool checkAccounts)
    {
        if (!Names.IsValid(name))
            return Error(ErrorCodes.BadName, $"a user name is {Names.Rule}");
        if (checkAccounts && await knownUsers.FindNameAsync(name).ConfigureAwait(false) is not null)
            return Error(ErrorCodes.UserExists, $"'{name}' is a registered account; sign in to use it");
        return null;
    }
}
