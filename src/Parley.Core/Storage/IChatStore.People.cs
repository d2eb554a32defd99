using Parley.Core.Model;

namespace Parley.Core.Storage;

/// <summary>People: the user directory, profiles, blocks, and direct conversations opened before their first message.</summary>
public partial interface IChatStore
{
    /// <summary>
    /// Users whose key starts with <paramref name="prefixKey"/> (a lower-cased prefix; "" for
    /// everyone) and is greater than <paramref name="afterKey"/> when given, in key order (ordinal,
    /// as UTF-8 bytes compare), at most <paramref name="limit"/>, each with its profile. A range
    /// read on an index of user keys: the cost follows the page, not the number of users.
    /// </summary>
    Task<IReadOnlyList<Profile>> SearchUsersAsync(string prefixKey, string? afterKey, int limit);

    /// <summary>The user's profile, or null when there is no such user.</summary>
    Task<Profile?> FindProfileAsync(string userKey);

    /// <summary>
    /// Changes the given parts of an existing user's profile: null leaves a part as it is, "" clears it.
    /// Returns the profile after the change, or null when there is no such user.
    /// </summary>
    Task<Profile?> SetProfileAsync(string userKey, string? display, string? status);

    /// <summary>Adds a direct conversation to the user's list (with <paramref name="peerName"/>) before any message is in it; no-op when listed.</summary>
    Task OpenDirectAsync(string userKey, string conversation, string peerName);

    /// <summary>Makes <paramref name="userKey"/> block (or stop blocking) <paramref name="blockedKey"/>.</summary>
    Task SetBlockedAsync(string userKey, string blockedKey, bool blocked);

    /// <summary>The display names of the users the user blocks, in no particular order.</summary>
    Task<IReadOnlyList<string>> BlockedAsync(string userKey);

    /// <summary>Whether <paramref name="userKey"/> blocks <paramref name="otherKey"/>.</summary>
    Task<bool> BlocksAsync(string userKey, string otherKey);
}
