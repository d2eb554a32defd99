namespace Parley.Core.Storage;

/// <summary>The operator's invitation codes (Registration: invite), each kept by its hash.</summary>
public partial interface IChatStore
{
    /// <summary>Saves an invitation; one of the same hash is replaced.</summary>
    Task SaveInvitationAsync(Invitation invitation);

    /// <summary>
    /// Takes one use of the invitation, at once for all callers: true when it had a use left and
    /// had not expired at <paramref name="now"/>. One with no use left, or expired, is deleted.
    /// </summary>
    Task<bool> TryUseInvitationAsync(string codeHash, DateTimeOffset now);

    /// <summary>Deletes an invitation; false when there was none of that hash.</summary>
    Task<bool> DeleteInvitationAsync(string codeHash);
}
