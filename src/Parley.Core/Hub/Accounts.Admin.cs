using Parley.Core.Model;
using Parley.Core.Policy;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>
/// What the server's operator does to accounts (<c>parley admin</c>, over the admin socket). Who is
/// the operator is the adapter's business; these take names, not sessions.
/// </summary>
internal sealed partial class Accounts
{
    /// <summary>The most accounts one listing returns.</summary>
    public const int MaxListedUsers = 1000;

    /// <summary>Accounts whose name starts with <paramref name="prefix"/> (any case), after the name <paramref name="after"/>, in name-key order.</summary>
    public async Task<Result<IReadOnlyList<AccountInfo>>> ListAsync(string prefix, string? after, int? limit)
    {
        var take = Math.Clamp(limit ?? 100, 1, MaxListedUsers);
        var users = await _store.ListUsersAsync(Names.Key(prefix), after is null ? null : Names.Key(after), take).ConfigureAwait(false);
        return users.Select(u => new AccountInfo(u.Name, u.Created, u.State, _presence.IsOnline(u.Name))).ToList();
    }

    /// <summary>Makes an account whatever <see cref="ChatLimits.Registration"/> says (the operator's <c>parley admin create</c>).</summary>
    public async Task<Result<string>> CreateByOperatorAsync(string userName, string password)
    {
        if (CheckNewAccount(userName, password) is { } bad)
            return bad;
        if (_presence.IsOnlineKey(Names.Key(userName)))
            return Error(ErrorCodes.UserExists, $"the name '{userName}' is in use by a guest right now");
        return await CreateAccountAsync(userName, password).ConfigureAwait(false) is { } user
            ? user.Name
            : Error(ErrorCodes.UserExists, $"the name '{userName}' is taken");
    }

    /// <inheritdoc cref="Invitations.CreateAsync"/>
    public Task<Result<InvitationCode>> InviteAsync(int uses, TimeSpan? lifetime) => _invitations.CreateAsync(uses, lifetime);

    /// <inheritdoc cref="Invitations.DeleteAsync"/>
    public Task<Result<Done>> WithdrawInvitationAsync(string code) => _invitations.DeleteAsync(code);

    /// <summary>Sets a new password; the account's tokens are revoked and its sessions closed everywhere (bye <c>signed_out</c>).</summary>
    public async Task<Result<string>> ResetPasswordAsync(string userName, string password)
    {
        if (!TextLength.IsWithin(password, _limits.MinPasswordLength, _limits.MaxPasswordLength))
            return Error(ErrorCodes.BadPassword, $"a password is {_limits.MinPasswordLength}-{_limits.MaxPasswordLength} characters");
        if (await FindAccountAsync(userName).ConfigureAwait(false) is not { } user)
            return NoSuchAccount(userName);
        await _store.SetPasswordHashAsync(user.Key, await _hasher.HashAsync(password).ConfigureAwait(false)).ConfigureAwait(false);
        await _store.RevokeTokensAsync(user.Key).ConfigureAwait(false);
        await _operators.SignOutAsync(user.Name, "Password reset by the operator", ByeReasons.SignedOut, except: null).ConfigureAwait(false);
        return user.Name;
    }

    /// <summary>
    /// Disables or enables an account. Disabling revokes its tokens and closes its sessions on
    /// every node (bye <c>disabled</c>); enabling gives back only the right to sign in.
    /// </summary>
    public async Task<Result<string>> SetDisabledAsync(string userName, bool disabled)
    {
        if (await FindAccountAsync(userName).ConfigureAwait(false) is not { } user
            || !await _store.SetAccountStateAsync(user.Key, disabled ? AccountState.Disabled : AccountState.Active).ConfigureAwait(false))
            return NoSuchAccount(userName);
        if (disabled)
        {
            await _store.RevokeTokensAsync(user.Key).ConfigureAwait(false);
            await _operators.SignOutAsync(user.Name, "Account disabled", ByeReasons.Disabled, except: null).ConfigureAwait(false);
        }
        return user.Name;
    }

    /// <inheritdoc cref="DeleteAsync"/>
    public async Task<Result<string>> DeleteByOperatorAsync(string userName)
    {
        if (await FindAccountAsync(userName).ConfigureAwait(false) is not { } user || !await DeleteAsync(user.Name, except: null).ConfigureAwait(false))
            return NoSuchAccount(userName);
        return user.Name;
    }

    private async Task<UserRecord?> FindAccountAsync(string userName)
    {
        if (!Names.IsValid(userName))
            return null;
        var user = await _store.FindUserAsync(Names.Key(userName)).ConfigureAwait(false);
        return user is null || user.State == AccountState.Deleted ? null : user;
    }

    private static ChatError NoSuchAccount(string userName) =>
        Names.IsValid(userName)
            ? Error(ErrorCodes.NoSuchUser, $"there is no account '{userName}'")
            : Error(ErrorCodes.BadName, $"a user name is {Names.Rule}");
}
