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

    public StoredMessage WithSeq(long seq) => new(Id, Conversation, seq, Timestamp, From, Room, To, Text) { Live = Live, IsSystem = IsSystem };
}
