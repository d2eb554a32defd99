namespace Parley.Core.Model;

public sealed record DirectSummary(string With, long LastSeq, long ReadSeq, long Unread, DateTimeOffset? LastTs)
{
    /// <inheritdoc cref="ConversationState.Mentioned"/>
    public long Mentioned { get; init; }
}
