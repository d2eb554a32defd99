using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Core.Storage;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>
/// Uploads, before they are sent: who is uploading (an account, by a token it signed in with),
/// how often it may, and keeping what was uploaded until a message sends it
/// (<see cref="Messaging.SendFilesAsync"/>) or it is forgotten unsent.
///
/// Concurrency: the per-user budgets are under their own lock; the rest is the store's.
/// </summary>
internal sealed class Uploads(IChatStore store, TimeProvider time, ChatLimits limits, SessionTokens tokens)
{
    private readonly Dictionary<string, TokenBucket> _budgets = new(StringComparer.Ordinal);

    /// <summary>The name of the account a sign-in token belongs to; null for an unknown, revoked or expired token. An upload is a use of the token.</summary>
    public async Task<string?> UserOfTokenAsync(string token) => (await tokens.UseAsync(SessionTokens.Hash(token)).ConfigureAwait(false)).User;

    /// <summary>Takes one upload from the user's budget (<see cref="ChatLimits.UploadBurst"/>, <see cref="ChatLimits.UploadsPerSecond"/>).</summary>
    public ChatError? TryStart(string userName)
    {
        var key = Names.Key(userName);
        lock (_budgets)
        {
            var budget = _budgets.GetValueOrDefault(key);
            var taken = budget.TryTake(time, limits.UploadBurst, limits.UploadsPerSecond);
            _budgets[key] = budget;
            return taken ? null : Error(ErrorCodes.RateLimited, "too many uploads; wait a moment");
        }
    }

    /// <summary>Keeps an upload of <paramref name="userName"/>'s, its bytes stored already, to be sent; the attachment as messages will show it.</summary>
    public async Task<Attachment> AddAsync(string userName, string name, long size, string type, int? width, int? height, string hash, string? thumbHash)
    {
        var now = Timestamps.Now(time);
        var attachment = new Attachment(NewFileId(), name, size, type, width, height, HasThumb: thumbHash is not null);
        await store.AddFileAsync(new StoredFile(attachment, hash, thumbHash, Names.Key(userName), now, Conversation: null)).ConfigureAwait(false);
        return attachment;
    }

    /// <summary>Random, so that ids cannot be guessed (a download still needs a signed link).</summary>
    private static string NewFileId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>Whether <paramref name="id"/> is one <see cref="NewFileId"/> could have made: 32 lower-case hex digits.</summary>
    public static bool IsFileId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);
}
