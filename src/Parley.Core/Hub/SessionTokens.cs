using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Parley.Core.Policy;
using Parley.Core.Storage;

namespace Parley.Core.Hub;

/// <summary>
/// Sign-in tokens: issued at login and register, stored only as their SHA-256, valid until revoked
/// or unused for <see cref="ChatLimits.TokenIdleLifetime"/> (a resume or an upload is a use, and so
/// is the end of a session opened with it, so an app left connected for longer than the lifetime
/// can still resume after its connection drops).
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

    /// <summary>A new token for the user, saved (as its hash) as used now; returns the token, its hash and that use.</summary>
    public async Task<(string Token, string Hash, DateTimeOffset Used)> IssueAsync(string userKey)
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var hash = Hash(token);
        var now = Timestamps.Now(time);
        await store.SaveTokenAsync(hash, userKey, now, _lifetime).ConfigureAwait(false);
        return (token, hash, now);
    }

    /// <summary>
    /// Uses a token: the user's name, or null for an unknown, revoked or expired one (an expired
    /// token is deleted; <c>Expired</c> says which it was), and the last use the store now holds.
    /// </summary>
    public async Task<(string? User, bool Expired, DateTimeOffset Used)> UseAsync(string tokenHash)
    {
        var now = Timestamps.Now(time);
        if (await store.FindTokenAsync(tokenHash).ConfigureAwait(false) is not { } token)
            return (null, false, now);
        if (token.LastUsed is { } lastUsed && now - lastUsed >= _lifetime)
        {
            await store.DeleteTokenAsync(tokenHash).ConfigureAwait(false);
            return (null, true, now);
        }
        if (token.LastUsed is not { } used || now - used >= TouchInterval)
        {
            try
            {
                await store.TouchTokenAsync(tokenHash, now, _lifetime).ConfigureAwait(false);
                used = now;
            }
            catch (StoreUnavailableException)
            {
                // The store reads but does not write (its disk is full): the token is good, and
                // recording this use can wait for the next one. The idle clock runs from the use
                // the store holds, so the token may expire up to this much sooner.
                used = token.LastUsed ?? now;
            }
        }
        return (token.UserName, false, used);
    }

    /// <summary>
    /// A session opened with a token ends: that is a use of it, written (at most once per
    /// <see cref="TouchInterval"/>, as any use) so that its idle clock starts from now. A token
    /// revoked meanwhile stays revoked: the store only updates a token it still holds.
    /// </summary>
    public Task EndedAsync(string tokenHash, DateTimeOffset recordedUse)
    {
        var now = Timestamps.Now(time);
        return now - recordedUse >= TouchInterval ? store.TouchTokenAsync(tokenHash, now, _lifetime) : Task.CompletedTask;
    }

    /// <summary>Tokens are stored only as their SHA-256: a stolen database holds no usable token.</summary>
    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
