using System.Buffers.Text;
using System.Security.Cryptography;
using Parley.Core.Model;
using Parley.Core.Storage;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>
/// The operator's invitation codes (Registration: invite): made with a number of uses and an
/// optional lifetime, stored only as their SHA-256 like tokens, each use taken by one registration.
/// </summary>
internal sealed class Invitations(IChatStore store, TimeProvider time)
{
    /// <summary>The most registrations one code may admit.</summary>
    public const int MaxUses = 10_000;

    /// <summary>A new code admitting <paramref name="uses"/> registrations until <paramref name="lifetime"/> from now is over (never when null).</summary>
    public async Task<Result<InvitationCode>> CreateAsync(int uses, TimeSpan? lifetime)
    {
        if (uses is < 1 or > MaxUses)
            return Error(ErrorCodes.BadField, $"an invitation admits 1-{MaxUses} registrations");
        if (lifetime is { } span && span <= TimeSpan.Zero)
            return Error(ErrorCodes.BadField, "an invitation's lifetime is positive");
        // 15 random bytes: 20 characters a user can copy, and far beyond guessing.
        var code = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(15));
        var now = Timestamps.Now(time);
        var expires = lifetime is { } l ? now + l : (DateTimeOffset?)null;
        await store.SaveInvitationAsync(new Invitation(SessionTokens.Hash(code), uses, expires, now)).ConfigureAwait(false);
        return new InvitationCode(code, uses, expires);
    }

    /// <summary>Takes one use of a code: false for a code unknown, used up or expired.</summary>
    public Task<bool> TryUseAsync(string code) => store.TryUseInvitationAsync(SessionTokens.Hash(code), Timestamps.Now(time));

    /// <summary>Withdraws a code before it is used up.</summary>
    public async Task<Result<Done>> DeleteAsync(string code) =>
        await store.DeleteInvitationAsync(SessionTokens.Hash(code)).ConfigureAwait(false)
            ? Done.Value
            : Error(ErrorCodes.BadInvitation, "there is no such invitation (used up, expired or withdrawn)");
}
