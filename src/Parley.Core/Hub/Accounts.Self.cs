using Parley.Core.Model;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>
/// What a signed-in user does to its own account: change its password, sign out everywhere,
/// delete it. Other sessions are signed out on every node through <see cref="Operators.SignOutAsync"/>
/// (KILL's path), after the store has revoked the tokens, so none of them can resume meanwhile.
/// </summary>
internal sealed partial class Accounts
{
    /// <summary>
    /// Changes the password when <paramref name="current"/> is right. Every token of the user is
    /// revoked and every other session closed (bye <c>signed_out</c>); this one stays signed in
    /// with the new token returned.
    /// </summary>
    public async Task<Result<string>> ChangePasswordAsync(Session session, string current, string next)
    {
        if (session.IsGuest)
            return GuestNotAllowed("change a password");
        if (!TextLength.IsWithin(next, _limits.MinPasswordLength, _limits.MaxPasswordLength))
            return Error(ErrorCodes.BadPassword, $"a password is {_limits.MinPasswordLength}-{_limits.MaxPasswordLength} characters");
        if (await CheckPasswordAsync(session, current).ConfigureAwait(false) is { } refused)
            return refused;
        var key = session.UserKey!;
        await _store.SetPasswordHashAsync(key, await _hasher.HashAsync(next).ConfigureAwait(false)).ConfigureAwait(false);
        await _store.RevokeTokensAsync(key).ConfigureAwait(false);
        var token = await IssueTokenAsync(session, key).ConfigureAwait(false);
        await _operators.SignOutAsync(session.User!, "Password changed", ByeReasons.SignedOut, except: session).ConfigureAwait(false);
        return token;
    }

    /// <summary>Revokes every token of the user and closes its other sessions on every node; this one is signed out and stays open, as after <see cref="LogoutAsync"/>.</summary>
    public async Task<Result<Done>> LogoutEverywhereAsync(Session session)
    {
        if (session.IsGuest)
            return await LogoutAsync(session).ConfigureAwait(false);
        var user = session.User!;
        await _store.RevokeTokensAsync(session.UserKey!).ConfigureAwait(false);
        session.TokenHash = null;
        _presence.Detach(session);
        await _operators.SignOutAsync(user, "Signed out", ByeReasons.SignedOut, except: session).ConfigureAwait(false);
        return Done.Value;
    }

    /// <summary>Deletes the signed-in account when <paramref name="password"/> is right (<see cref="DeleteAsync"/>); this session is signed out and stays open.</summary>
    public async Task<Result<Done>> DeleteOwnAsync(Session session, string password)
    {
        if (session.IsGuest)
            return GuestNotAllowed("delete an account");
        if (await CheckPasswordAsync(session, password).ConfigureAwait(false) is { } refused)
            return refused;
        var user = session.User!;
        session.TokenHash = null;
        _presence.Detach(session);
        await DeleteAsync(user, except: session).ConfigureAwait(false);
        return Done.Value;
    }

    /// <summary>
    /// Deletes an account (<see cref="Storage.IChatStore.DeleteUserAsync"/>: its messages stay, its
    /// name stays taken), takes it out of its rooms, which hear it leave, and closes its sessions on
    /// every node (bye <c>account_deleted</c>). False when there was no such account.
    /// </summary>
    private async Task<bool> DeleteAsync(string userName, Session? except)
    {
        var key = Names.Key(userName);
        if (!await _store.DeleteUserAsync(key).ConfigureAwait(false))
            return false;
        _knownUsers.MarkDeleted(key);
        await _rooms.RemoveDeletedAsync(userName).ConfigureAwait(false);
        await _operators.SignOutAsync(userName, "Account deleted", ByeReasons.AccountDeleted, except).ConfigureAwait(false);
        return true;
    }

    /// <summary>The session's own password, checked as a login checks it: with the login throttle and the sign-in budget.</summary>
    private async Task<ChatError?> CheckPasswordAsync(Session session, string password)
    {
        if (TooManyAttempts(session) is { } slowDown)
            return slowDown;
        var throttleKey = $"{session.UserKey}@{session.RemoteAddress}";
        // Each check counts this attempt as failed before the slow password check, so parallel
        // attempts are counted as they start; a right password forgives it below.
        if (!_addressThrottle.TryBegin(session.RemoteAddress))
            return AddressThrottled();
        if (_throttle.TryBegin(throttleKey) is { } wait)
        {
            _addressThrottle.GiveBack(session.RemoteAddress);
            return Error(ErrorCodes.Throttled, $"too many wrong passwords; try again in {Math.Ceiling(wait.TotalSeconds)} s");
        }
        var user = await _store.FindUserAsync(session.UserKey!).ConfigureAwait(false);
        if (user is null || user.State != AccountState.Active
            || await _hasher.VerifyAsync(user.PasswordHash, password).ConfigureAwait(false) == Storage.PasswordCheck.Failed)
        {
            return Error(ErrorCodes.BadCredentials, "wrong password");
        }
        _throttle.Succeeded(throttleKey);
        _addressThrottle.GiveBack(session.RemoteAddress);
        return null;
    }
}
