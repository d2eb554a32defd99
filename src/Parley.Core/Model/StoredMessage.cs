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
    /// <inheritdoc cref="NewMessage.ClientTags"/>
    public string? ClientTags { get; init; }
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
    /// <summary>
    /// IRCv3 client-only tags the sender's client attached (<c>+name=escaped-value;…</c>, as they
    /// came on the wire): relayed with the message to those online now, on every node, and never
    /// stored, so history has none. Null for most messages.
    /// </summary>
    public string? ClientTags { get; init; }

    public StoredMessage WithSeq(long seq) => new(Id, Conversation, seq, Timestamp, From, Room, To, Text) { ClientTags = ClientTags };
}
