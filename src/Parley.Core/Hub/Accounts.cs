using Parley.Core.Cluster;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Core.Storage;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>
/// Accounts and signing in: register, login, resume with a token, logout; tokens, the login
/// throttle and the password hasher; the list of conversations a session starts with.
///
/// Concurrency: no lock of its own: <see cref="LoginThrottle"/> locks itself, a session's sign-in budget is used only by that session's requests, and the dummy hash at worst is computed twice.
/// </summary>
internal sealed partial class Accounts
{
    private readonly IChatStore _store;
    private readonly IPasswordHasher _hasher;
    private readonly TimeProvider _time;
    private readonly ChatLimits _limits;
    private readonly LoginThrottle _throttle;
    private readonly AddressThrottle _addressThrottle;
    private readonly RoomDirectory _rooms;
    private readonly PresenceRegistry _presence;
    private readonly KnownUsers _knownUsers;
    private readonly ClusterPublisher _cluster;
    private readonly Operators _operators;
    private readonly SessionTokens _tokens;
    private readonly Invitations _invitations;
    private string? _dummyHash;

    public Accounts(IChatStore store, IPasswordHasher hasher, TimeProvider time, ChatLimits limits,
        RoomDirectory rooms, PresenceRegistry presence, KnownUsers knownUsers, ClusterPublisher cluster, Operators operators, SessionTokens tokens, Invitations invitations)
    {
        _tokens = tokens;
        _invitations = invitations;
        _operators = operators;
        _store = store;
        _hasher = hasher;
        _time = time;
        _limits = limits;
        _throttle = new LoginThrottle(time, limits);
        _addressThrottle = new AddressThrottle(time, limits);
        _rooms = rooms;
        _presence = presence;
        _knownUsers = knownUsers;
        _cluster = cluster;
    }

    /// <summary>
    /// Makes an account and signs the session in, when <see cref="ChatLimits.Registration"/> allows:
    /// closed refuses; invite takes one use of <paramref name="invitation"/> (after the name is seen
    /// free: a name taken meanwhile by someone else still costs that use).
    /// </summary>
    public async Task<Result<SessionStart>> RegisterAsync(Session session, string name, string password, string? invitation)
    {
        if (session.IsAuthenticated)
            return Error(ErrorCodes.AlreadyAuthenticated, "this connection is already signed in; log out first");
        if (_limits.Registration == RegistrationMode.Closed)
            return Error(ErrorCodes.RegistrationClosed, "this server makes no accounts on request; ask its operator for one");
        if (CheckNewAccount(name, password) is { } bad)
            return bad;
        if (TooManyAttempts(session) is { } slowDown)
            return slowDown;
        if (_presence.IsOnlineKey(Names.Key(name)))
            return Error(ErrorCodes.UserExists, $"the name '{name}' is in use by a guest right now");
        if (_limits.Registration == RegistrationMode.Invite)
        {
            if (await _store.FindUserAsync(Names.Key(name)).ConfigureAwait(false) is not null)
                return Error(ErrorCodes.UserExists, $"the name '{name}' is taken");
            if (string.IsNullOrEmpty(invitation) || !await _invitations.TryUseAsync(invitation).ConfigureAwait(false))
                return Error(ErrorCodes.BadInvitation, "registering here takes an invitation code from the operator; this one is missing, unknown, used up or expired");
        }

        if (await CreateAccountAsync(name, password).ConfigureAwait(false) is not { } user)
            return Error(ErrorCodes.UserExists, $"the name '{name}' is taken");
        var token = await IssueTokenAsync(session, user.Key).ConfigureAwait(false);
        return await StartSessionAsync(session, user.Name, token).ConfigureAwait(false);
    }

    private ChatError? CheckNewAccount(string name, string password)
    {
        if (!Names.IsValid(name))
            return Error(ErrorCodes.BadName, $"a user name is {Names.Rule}");
        if (!TextLength.IsWithin(password, _limits.MinPasswordLength, _limits.MaxPasswordLength))
            return Error(ErrorCodes.BadPassword, $"a password is {_limits.MinPasswordLength}-{_limits.MaxPasswordLength} characters");
        return null;
    }

    /// <summary>Stores a new account, a member of the default room (which hears it join); null when the name is taken.</summary>
    private async Task<UserRecord?> CreateAccountAsync(string name, string password)
    {
        var hash = await _hasher.HashAsync(password).ConfigureAwait(false);
        var user = new UserRecord(name, hash, Timestamps.Now(_time));
        if (!await _store.TryCreateUserAsync(user, Names.Key(_limits.DefaultRoom)).ConfigureAwait(false))
            return null;
        _knownUsers.Add(user.Key, user.Name);
        if (_rooms.FindRoom(_limits.DefaultRoom) is { } lobby && _rooms.ApplyJoin(lobby, user.Name, origin: null))
            await _cluster.PublishAsync(new MembershipChanged(lobby.Name, user.Name, Joined: true)).ConfigureAwait(false);
        return user;
    }

    public async Task<Result<SessionStart>> LoginAsync(Session session, string name, string password)
    {
        if (session.IsAuthenticated)
            return Error(ErrorCodes.AlreadyAuthenticated, "this connection is already signed in; log out first");
        if (!Names.IsValid(name))
            return Error(ErrorCodes.BadName, $"a user name is {Names.Rule}");
        var key = Names.Key(name);
        if (TooManyAttempts(session) is { } slowDown)
            return slowDown;
        // Failures count per name and address: a stranger failing on purpose cannot lock a user out.
        var throttleKey = $"{key}@{session.RemoteAddress}";
        // Each check counts this attempt as failed before the slow password check, so parallel
        // attempts are counted as they start; a right password forgives it below.
        if (!_addressThrottle.TryBegin(session.RemoteAddress))
            return AddressThrottled();
        if (_throttle.TryBegin(throttleKey) is { } wait)
        {
            _addressThrottle.GiveBack(session.RemoteAddress);
            return Error(ErrorCodes.Throttled, $"too many failed logins for this name; try again in {Math.Ceiling(wait.TotalSeconds)} s");
        }

        var user = await _store.FindUserAsync(key).ConfigureAwait(false);
        // A deleted account's tombstone has no password: it is as unknown as a name never registered.
        if (user?.State == AccountState.Deleted)
            user = null;
        // Verify against a dummy hash for unknown users so both failures take the same time.
        var check = await _hasher.VerifyAsync(user?.PasswordHash ?? await DummyHashAsync().ConfigureAwait(false), password).ConfigureAwait(false);
        if (user is null || check == PasswordCheck.Failed)
        {
            return Error(ErrorCodes.BadCredentials, "wrong user name or password");
        }
        _throttle.Succeeded(throttleKey);
        _addressThrottle.GiveBack(session.RemoteAddress);
        // Said only to whoever knows the password: a guesser learns nothing of the account.
        if (user.State == AccountState.Disabled)
            return Error(ErrorCodes.AccountDisabled, $"the account '{user.Name}' is disabled; ask the server's operator");
        if (check == PasswordCheck.SuccessRehashNeeded)
            await _store.SetPasswordHashAsync(key, await _hasher.HashAsync(password).ConfigureAwait(false)).ConfigureAwait(false);

        _knownUsers.Add(key, user.Name);
        var token = await IssueTokenAsync(session, key).ConfigureAwait(false);
        return await StartSessionAsync(session, user.Name, token).ConfigureAwait(false);
    }

    public async Task<Result<SessionStart>> ResumeAsync(Session session, string token)
    {
        if (session.IsAuthenticated)
            return Error(ErrorCodes.AlreadyAuthenticated, "this connection is already signed in; log out first");
        var tokenHash = SessionTokens.Hash(token);
        var (name, expired, used) = await _tokens.UseAsync(tokenHash).ConfigureAwait(false);
        // The same code as a revoked token: every client already answers it by asking to log in.
        if (name is null)
            return Error(ErrorCodes.BadToken, expired
                ? $"this token went unused for {_limits.TokenIdleLifetime.TotalDays:0.##} days and expired; log in again"
                : "unknown or revoked token; log in again");
        session.TokenHash = tokenHash;
        session.TokenUseRecorded = used;
        return await StartSessionAsync(session, name, token: null).ConfigureAwait(false);
    }

    /// <summary>Revokes the session's token and signs the connection out; it stays open.</summary>
    public async Task<Result<Done>> LogoutAsync(Session session)
    {
        if (session.TokenHash is { } tokenHash)
            await _store.DeleteTokenAsync(tokenHash).ConfigureAwait(false);
        session.TokenHash = null;
        _presence.Detach(session);
        return Done.Value;
    }

    private async Task<string> IssueTokenAsync(Session session, string userKey)
    {
        var (token, tokenHash, used) = await _tokens.IssueAsync(userKey).ConfigureAwait(false);
        session.TokenHash = tokenHash;
        session.TokenUseRecorded = used;
        return token;
    }

    /// <summary>
    /// The session has left the hub: the end of a session is a use of the token it was opened with
    /// (<see cref="SessionTokens.EndedAsync"/>). Not awaited by the transport that ends it; if the
    /// store is down the use is lost, which only makes the token expire on its last recorded use.
    /// </summary>
    public void Ended(Session session)
    {
        if (session.TokenHash is not { } tokenHash)
            return;
        _ = RecordAsync(() => _tokens.EndedAsync(tokenHash, session.TokenUseRecorded));

        // The store is called inside the try: a store that throws before its first await must not
        // throw out of the session's detach either.
        static async Task RecordAsync(Func<Task> touch)
        {
            try
            {
                await touch().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Best-effort, as above: nothing waits for it and nothing is to be undone.
            }
        }
    }

    private async Task<SessionStart> StartSessionAsync(Session session, string name, string? token)
    {
        await _presence.AttachAsync(session, name).ConfigureAwait(false);
        try
        {
            var (rooms, directs) = await ConversationListAsync(Names.Key(name)).ConfigureAwait(false);
            return new SessionStart(name, token, rooms, directs);
        }
        catch
        {
            // The client gets an error: it must not be left signed in half-way.
            _presence.Detach(session);
            session.TokenHash = null;
            throw;
        }
    }

    private async Task<(IReadOnlyList<JoinedRoom>, IReadOnlyList<DirectSummary>)> ConversationListAsync(string userKey)
    {
        var rooms = new List<JoinedRoom>();
        var directs = new List<DirectSummary>();
        foreach (var state in await _store.ConversationsAsync(userKey).ConfigureAwait(false))
        {
            if (state.Peer is { } peer)
                directs.Add(new DirectSummary(peer, state.LastSeq, state.ReadSeq, state.Unread, state.LastTs) { Mentioned = state.Mentioned });
            else if (_rooms.TryGetValue(state.Conversation[2..], out var room))
                rooms.Add(new JoinedRoom(room.Name, room.Topic, room.MemberCount, state.LastSeq, state.ReadSeq, state.Unread, state.LastTs)
                    { Large = room.IsLarge(_limits.LargeRoomMembers), Mentioned = state.Mentioned });
        }
        rooms.Sort((a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.Name, b.Name));
        directs.Sort((a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.With, b.With));
        return (rooms, directs);
    }

    private static ChatError AddressThrottled() =>
        Error(ErrorCodes.AddressThrottled, "too many failed logins from your network address; wait a few minutes");

    private async Task<string> DummyHashAsync() => _dummyHash ??= await _hasher.HashAsync("parley-dummy-password").ConfigureAwait(false);

    /// <summary>
    /// A password hash costs tens of milliseconds of CPU on purpose; one connection must not be
    /// able to spend a core on them by trying many names. Each session gets its own small budget.
    /// </summary>
    private ChatError? TooManyAttempts(Session session)
    {
        return session.SignInAttempts.TryTake(_time, _limits.SignInBurst, _limits.SignInPerSecond)
            ? null
            : Error(ErrorCodes.RateLimited, "too many sign-in attempts on this connection; wait a moment");
    }
}
