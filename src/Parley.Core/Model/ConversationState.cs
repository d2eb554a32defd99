namespace Parley.Core.Model;

/// <summary>Where one user stands in one conversation: for unread counts and the conversation list.</summary>
/// <param name="Peer">The other user's display name for a direct conversation; null for a room.</param>
/// <param name="LastTs">When the conversation's latest message was stored; null when it has none.</param>
public sealed record ConversationState(string Conversation, string? Peer, long LastSeq, long ReadSeq, long Unread, DateTimeOffset? LastTs)
{
    /// <summary>Of the unread messages, those that call the user (<see cref="StoredMessage.Mentioned"/>).</summary>
    public long Mentioned { get; init; }
}
