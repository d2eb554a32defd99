using Parley.Core.Model;

namespace Parley.Core.Hub;

/// <summary>The account ops of a signed-in user, and the operator's (the admin socket's) ops.</summary>
public sealed partial class ChatHub
{
    /// <inheritdoc cref="Accounts.ChangePasswordAsync"/>
    public Task<Result<string>> ChangePasswordAsync(Session session, string current, string next) => _accounts.ChangePasswordAsync(session, current, next);

    /// <inheritdoc cref="Accounts.LogoutEverywhereAsync"/>
    public Task<Result<Done>> LogoutEverywhereAsync(Session session) => _accounts.LogoutEverywhereAsync(session);

    /// <inheritdoc cref="Accounts.DeleteOwnAsync"/>
    public Task<Result<Done>> DeleteAccountAsync(Session session, string password) => _accounts.DeleteOwnAsync(session, password);

    /// <inheritdoc cref="RoomDirectory.IsServerAdmin"/>
    public bool IsServerAdmin(string userName) => _rooms.IsServerAdmin(Names.Key(userName));

    /// <inheritdoc cref="Accounts.ListAsync"/>
    public Task<Result<IReadOnlyList<AccountInfo>>> ListAccountsAsync(string prefix, string? after, int? limit) => _accounts.ListAsync(prefix, after, limit);

    /// <inheritdoc cref="Accounts.ResetPasswordAsync"/>
    public Task<Result<string>> ResetPasswordAsync(string userName, string password) => _accounts.ResetPasswordAsync(userName, password);

    /// <inheritdoc cref="Accounts.SetDisabledAsync"/>
    public Task<Result<string>> SetAccountDisabledAsync(string userName, bool disabled) => _accounts.SetDisabledAsync(userName, disabled);

    /// <inheritdoc cref="Accounts.DeleteByOperatorAsync"/>
    public Task<Result<string>> DeleteAccountByOperatorAsync(string userName) => _accounts.DeleteByOperatorAsync(userName);

    /// <inheritdoc cref="RoomDirectory.Ownership"/>
    public IReadOnlyList<RoomOwnership> RoomOwnership() => _rooms.Ownership();

    /// <inheritdoc cref="RoomDirectory.SetOwnerAsync"/>
    public Task<Result<string>> SetRoomOwnerAsync(string roomName, string userName, string by) => _rooms.SetOwnerAsync(roomName, userName, by);
}
