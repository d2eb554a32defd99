namespace Parley.Core.Model;

/// <summary>A message as kept in history: exactly one of <see cref="Room"/> and <see cref="To"/> is set.</summary>
public sealed record StoredMessage(
    string Id,
    string Conversation,
    long Seq,
    DateTimeOffset Timestamp,
    string From,
    string? Room,
    string? To,
    string Text)
{
    /// <inheritdoc cref="NewMessage.Live"/>
    public LiveExtras? Live { get; init; }

    /// <inheritdoc cref="NewMessage.IsSystem"/>
    public bool IsSystem { get; init; }

    /// <inheritdoc cref="NewMessage.ReplyTo"/>
    public long? ReplyTo { get; init; }

    /// <summary>
    /// The id of the message <see cref="ReplyTo"/> names, for a wire that names messages by id (IRC's
    /// <c>+reply</c> tag): looked up by the conversation's sequencer before a live delivery. Not
    /// stored: null on what a store returns, and on a reply to a message the store does not have.
    /// </summary>
    public string? ReplyToId { get; init; }

    /// <inheritdoc cref="NewMessage.Mentions"/>
    public IReadOnlyList<string>? Mentions { get; init; }

    /// <inheritdoc cref="NewMessage.MentionsAll"/>
    public bool MentionsAll { get; init; }

    /// <inheritdoc cref="NewMessage.Attachments"/>
    public IReadOnlyList<Attachment>? Attachments { get; init; }

    /// <summary>What was done to the message since (edits, recall, reactions); null when nothing.</summary>
    public MessageState? State { get; init; }

    /// <summary>
    /// Recalled, or removed by the operator: neither text nor files left (a sent message has one
    /// or the other), only the tombstone of where it was.
    /// </summary>
    public bool IsGone => Text.Length == 0 && Attachments is null;

    /// <summary>Whether <paramref name="userName"/> is called by this message: by name, or by <c>@all</c> when not its sender.</summary>
    public bool Mentioned(string userName) =>
        (MentionsAll && !string.Equals(From, userName, StringComparison.OrdinalIgnoreCase))
        || (Mentions?.Contains(userName, StringComparer.OrdinalIgnoreCase) ?? false);
}

/// <summary>A message before the store has given it its sequence number.</summary>
public sealed record NewMessage(
    string Id,
    string Conversation,
    DateTimeOffset Timestamp,
    string From,
    string? Room,
    string? To,
    string Text)
{
    /// <summary>What the message carries to those online now, on every node, and history does not keep; null for most messages.</summary>
    public LiveExtras? Live { get; init; }

    /// <summary>
    /// A line the server wrote in a room's history about a change to the room ("alice removed bob:
    /// spam"), <see cref="From"/> the member who made it; not something a user said. Stored and
    /// numbered like any message, so clients see it in order and catch up on it after a reconnect.
    /// </summary>
    public bool IsSystem { get; init; }

    /// <summary>The seq of the message of the same conversation this one answers; null when none.</summary>
    public long? ReplyTo { get; init; }

    /// <summary>The users the text calls by <c>@name</c> (members of the room, or the two of a DM), as the server found them; null when none.</summary>
    public IReadOnlyList<string>? Mentions { get; init; }

    /// <summary>A room admin called everyone with <c>@all</c>.</summary>
    public bool MentionsAll { get; init; }

    /// <summary>The files the message carries, its text their caption (which may then be empty); null when none.</summary>
    public IReadOnlyList<Attachment>? Attachments { get; init; }

    public StoredMessage WithSeq(long seq) => new(Id, Conversation, seq, Timestamp, From, Room, To, Text)
    {
        Live = Live, IsSystem = IsSystem, ReplyTo = ReplyTo, Mentions = Mentions, MentionsAll = MentionsAll, Attachments = Attachments,
    };
}
