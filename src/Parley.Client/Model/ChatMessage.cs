namespace Parley.Client.Model;

/// <summary>A stored message as the server sends it in events and history.</summary>
public sealed record ChatMessage(string Id, long Seq, DateTimeOffset Timestamp, string From, string? Room, string? To, string Text)
{
    /// <summary>The conversation as seen by <paramref name="me"/>: the room, or the other user of a direct message.</summary>
    public Target ConversationFor(string me) =>
        Room is not null ? Target.InRoom(Room)
        : string.Equals(From, me, StringComparison.OrdinalIgnoreCase) ? Target.With(To!)
        : Target.With(From);

    /// <summary>A room's system line ("alice removed bob"), written by the server for <see cref="From"/>'s change; not something said.</summary>
    public bool IsSystem { get; init; }

    /// <summary>The operator removed the message: its <see cref="Text"/> is empty, its place kept (history only).</summary>
    public bool Removed { get; init; }
}
