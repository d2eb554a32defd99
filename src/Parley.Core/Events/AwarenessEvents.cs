namespace Parley.Core.Events;

/// <summary>
/// The other user of a direct conversation has read it up to <paramref name="Seq"/> (a read
/// receipt): told to this user's sessions, on every node, whenever the other's read position is
/// set. <paramref name="With"/> is that other user, as this user sees the conversation.
/// </summary>
public sealed record ReceiptEvent(string With, long Seq) : ChatEvent;
