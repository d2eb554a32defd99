namespace Parley.Core.Model;

/// <summary>
/// What was done to a stored message after it was sent: edited, recalled, reacted to. Null on a
/// message nothing was done to. Every change raises <see cref="Rev"/>, the conversation's count
/// of changes (its own sequence, apart from <c>seq</c>): a client keeps, of two states of one
/// message, the one with the higher rev, and catches up with the changes after the last it saw.
/// </summary>
/// <param name="Edited">When the author last edited the text; null if never.</param>
/// <param name="RecalledBy">Who recalled the message (its author, or a room admin); its text is gone.</param>
/// <param name="Reactions">Each emoji with who reacted with it, in the order each emoji was first used.</param>
public sealed record MessageState(long Rev, DateTimeOffset? Edited, string? RecalledBy, IReadOnlyList<Reaction> Reactions)
{
    public bool Recalled => RecalledBy is not null;
}

/// <summary>An emoji on a message, and the users who reacted with it, in the order they did.</summary>
public sealed record Reaction(string Emoji, IReadOnlyList<string> Users);

/// <summary>A change to a stored message, as the store applies it (the hub has checked who may make it).</summary>
public abstract record MessageChange;

/// <summary>The text becomes <paramref name="Text"/>: the old one is gone from the store, and the mentions are the new text's.</summary>
public sealed record EditChange(string Text, DateTimeOffset At, IReadOnlyList<string>? Mentions = null, bool MentionsAll = false) : MessageChange;

/// <summary>The text is gone from the store for good, with what was drawn from it (mentions, the reply); the message stays, a tombstone, where it was.</summary>
public sealed record RecallChange(string By) : MessageChange;

/// <summary>
/// <paramref name="User"/> adds (<paramref name="On"/>) or takes back its <paramref name="Emoji"/>;
/// a new emoji is refused when the message has <paramref name="MaxEmojis"/> different ones already.
/// </summary>
public sealed record ReactChange(string User, string Emoji, bool On, int MaxEmojis) : MessageChange;

/// <summary>A stored message after a change, and whether it changed (false: the same reaction again, a recalled or removed message, too many emojis).</summary>
public sealed record ChangedMessage(StoredMessage Message, bool Changed);
