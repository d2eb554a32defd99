using Parley.Core.Model;

namespace Parley.Core.Storage;

/// <summary>Accounts as their owner and the operator change them: revoking every token, disabling, deleting, listing.</summary>
public partial interface IChatStore
{
    /// <summary>
    /// Revokes every token of the user: <see cref="FindTokenAsync"/> finds none of them again.
    /// Tokens saved afterwards are valid.
    /// </summary>
    Task RevokeTokensAsync(string userKey);

    /// <summary>
    /// Sets an account <see cref="AccountState.Active"/> or <see cref="AccountState.Disabled"/>;
    /// false when there is no such account or it is deleted. A token of an account that is not
    /// active is not found by <see cref="FindTokenAsync"/>.
    /// </summary>
    Task<bool> SetAccountStateAsync(string userKey, AccountState state);

    /// <summary>
    /// Deletes the account in one commit: its password, tokens, memberships, read positions,
    /// list of direct conversations and uploads never sent go; its messages stay, with their
    /// files. What is left is a tombstone (<see cref="AccountState.Deleted"/>, <see cref="FindUserAsync"/> still finds it), so that
    /// <see cref="TryCreateUserAsync"/> refuses the name. False when there is no such account or it
    /// was deleted already.
    /// </summary>
    Task<bool> DeleteUserAsync(string userKey);

    /// <summary>
    /// Removes a message's text for good, leaving a tombstone in its place: the message keeps its
    /// seq, id, time, sender and conversation, and its text becomes empty (which no sent message
    /// has: <c>empty_text</c>), so history shows where it was. False when the conversation has no
    /// stored message of that seq (a message still being committed counts as none).
    /// </summary>
    Task<bool> RemoveMessageAsync(string conversation, long seq);

    /// <summary>Accounts (not deleted) whose key starts with <paramref name="keyPrefix"/> and is after <paramref name="afterKey"/>, in key order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<UserRecord>> ListUsersAsync(string keyPrefix, string? afterKey, int limit);
}
