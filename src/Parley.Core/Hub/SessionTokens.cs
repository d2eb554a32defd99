using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Parley.Core.Policy;
using Parley.Core.Storage;

namespace Parley.Core.Hub;

/// <summary>
/// Sign-in tokens: issued at login and register, stored only as their SHA-256, valid until revoked
/// or unused for <see cref="ChatLimits.TokenIdleLifetime"/> (a resume or an upload is a use).
/// A use is written to the store at most once per <see cref="TouchInterval"/> of a token, so a
/// client resuming every few seconds costs reads only; a token may thus expire up to that much
/// earlier than its idle lifetime after its last use.
/// </summary>
internal sealed class SessionTokens(IChatStore store, TimeProvider time, ChatLimits limits)
{
    private readonly TimeSpan _lifetime = limits.TokenIdleLifetime > TimeSpan.Zero
        ? limits.TokenIdleLifetime
        : throw new ArgumentOutOfRangeException(nameof(limits), limits.TokenIdleLifetime, "Limits:TokenIdleLifetime must be positive (30.00:00:00 is 30 days)");

    /// <summary>How stale a token's recorded last use may get before a use writes it again: a thirtieth of the idle lifetime (a day, by default).</summary>
    private TimeSpan TouchInterval => _lifetime / 30;

    /// <summary>A new token for the user, saved (as its hash); returns the token and its hash.</summary>
    public async Task<(string Token, string Hash)> IssueAsync(string userKey)
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var hash = Hash(token);
        await store.SaveTokenAsync(hash, userKey, Timestamps.Now(time), _lifetime).ConfigureAwait(false);
        return (token, hash);
    }

    /// <summary>
    /// Uses a token: the user's name, or null for an unknown, revoked or expired one (an expired
    /// token is deleted; <paramref name="expired"/> says which it was).
    /// </summary>
    public async Task<(string? User, bool Expired)> UseAsync(string tokenHash)
    {
        if (await store.FindTokenAsync(tokenHash).ConfigureAwait(false) is not { } token)
            return (null, false);
        var now = Timestamps.Now(time);
        if (token.LastUsed is { } lastUsed && now - lastUsed >= _lifetime)
        {
            await store.DeleteTokenAsync(tokenHash).ConfigureAwait(false);
            return (null, true);
        }
        if (token.LastUsed is not { } used || now - used >= TouchInterval)
            await store.TouchTokenAsync(tokenHash, now, _lifetime).ConfigureAwait(false);
        return (token.UserName, false);
    }

    /// <summary>Tokens are stored only as their SHA-256: a stolen database holds no usable token.</summary>
    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
