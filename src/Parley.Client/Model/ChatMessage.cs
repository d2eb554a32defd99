namespace Parley.Client.Model;

/// <summary>
/// A stored message as the server sends it in events and history, as it is now: edited, recalled
/// or reacted to since it was sent (docs/protocol.md, "Edit, recall, react"). A recalled message
/// has no text on the server; <see cref="Text"/> is then empty.
/// </summary>
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

    /// <summary>The seq of the message of the same conversation this one answers; null when it answers none.</summary>
    public long? ReplyTo { get; init; }

    /// <summary>The users the text calls by <c>@name</c>, as the server found them (display names).</summary>
    public IReadOnlyList<string> Mentions { get; init; } = [];

    /// <summary>A room admin called everyone with <c>@all</c>.</summary>
    public bool MentionsAll { get; init; }

    /// <summary>The conversation's change number of the message's last change; 0 when it never changed. Of two states of a message, the higher wins.</summary>
    public long Rev { get; init; }

    /// <summary>When its author last edited it; null when never.</summary>
    public DateTimeOffset? Edited { get; init; }

    /// <summary>Taken back by its author or a room admin (<see cref="RecalledBy"/>): its text is gone.</summary>
    public bool Recalled { get; init; }

    public string? RecalledBy { get; init; }

    /// <summary>The files the message carries, in the order they were sent; its <see cref="Text"/> is then their caption, maybe empty.</summary>
    public IReadOnlyList<Attachment> Attachments { get; init; } = [];

    /// <summary>Each emoji in the order it was first used, with who reacted, in order.</summary>
    public IReadOnlyList<Reaction> Reactions { get; init; } = [];

    /// <summary>Whether the message calls <paramref name="user"/>: by name, or by <c>@all</c>.</summary>
    public bool Mentioned(string user) =>
        MentionsAll || Mentions.Any(m => string.Equals(m, user, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One emoji on a message and the users who reacted with it.</summary>
public sealed record Reaction(string Emoji, IReadOnlyList<string> Users);
