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

    /// <inheritdoc cref="Accounts.CreateByOperatorAsync"/>
    public Task<Result<string>> CreateAccountByOperatorAsync(string userName, string password) => _accounts.CreateByOperatorAsync(userName, password);

    /// <inheritdoc cref="Invitations.CreateAsync"/>
    public Task<Result<InvitationCode>> InviteAsync(int uses, TimeSpan? lifetime) => _accounts.InviteAsync(uses, lifetime);

    /// <inheritdoc cref="Invitations.DeleteAsync"/>
    public Task<Result<Done>> WithdrawInvitationAsync(string code) => _accounts.WithdrawInvitationAsync(code);

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

    /// <summary>
    /// The operator removes a stored message (<see cref="Storage.IChatStore.RemoveMessageAsync"/>):
    /// its text is gone, a tombstone stays. Named by a stored room, or by the two users of a direct
    /// conversation, and its seq. Nobody is told live: clients see the tombstone in history.
    /// </summary>
    public async Task<Result<Done>> RemoveMessageAsync(string? roomName, IReadOnlyList<string>? between, long seq)
    {
        string conversation;
        if (roomName is not null)
        {
            if (_rooms.FindRoom(roomName) is not { Transient: false } room)
                return ChatErrors.NoSuchRoom(roomName);
            conversation = room.Conversation;
        }
        else if (between is { Count: 2 } && between.All(Names.IsValid))
        {
            conversation = ConversationKey.ForDirect(between[0], between[1]);
        }
        else
        {
            return ChatErrors.Error(ErrorCodes.BadField, $"a direct conversation is named by its two users, each {Names.Rule}");
        }
        return await _store.RemoveMessageAsync(conversation, seq).ConfigureAwait(false)
            ? Done.Value
            : ChatErrors.Error(ErrorCodes.NoSuchMessage, $"there is no message {seq} in that conversation");
    }
}
