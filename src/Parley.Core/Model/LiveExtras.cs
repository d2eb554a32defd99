namespace Parley.Core.Model;

/// <summary>
/// What an IRC client sends with a message that only its live delivery carries: history keeps
/// the text alone, as a plain message.
/// </summary>
/// <param name="ClientTags">IRCv3 client-only tags (<c>+name=escaped-value;…</c>, as they came on the wire), or null.</param>
/// <param name="Notice">Sent as a NOTICE (which no client may answer automatically), delivered to IRC clients as one.</param>
/// <param name="Bot">Sent by a session marked a bot (<see cref="Hub.Session.IsBot"/>): IRC's bot-mode <c>bot</c> tag.</param>
public sealed record LiveExtras(string? ClientTags, bool Notice, bool Bot = false)
{
    /// <summary>The extras of a message with these, or null when there are none.</summary>
    public static LiveExtras? Of(string? clientTags, bool notice, bool bot) => clientTags is null && !notice && !bot ? null : new(clientTags, notice, bot);
}
