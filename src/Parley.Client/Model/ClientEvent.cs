namespace Parley.Client.Model;

/// <summary>Something that happened, pushed by the server or by the client's connection handling.</summary>
public abstract record ClientEvent;

/// <param name="Replayed">True when fetched from history after a reconnect rather than received live.</param>
public sealed record MessageReceived(ChatMessage Message, bool Replayed) : ClientEvent;

/// <summary>Someone (<see cref="By"/>, the author) edited a message: <see cref="Message"/> is it now, with its new text and <see cref="ChatMessage.Edited"/>.</summary>
public sealed record MessageEdited(ChatMessage Message, string By) : ClientEvent;

/// <summary>A message was taken back, by its author or a room admin (<see cref="By"/>): its text is gone.</summary>
public sealed record MessageRecalled(ChatMessage Message, string By) : ClientEvent;

/// <summary><see cref="By"/> added (<see cref="On"/>) or took back a reaction; <see cref="Message"/> carries every reaction now.</summary>
public sealed record ReactionChanged(ChatMessage Message, string By, string Emoji, bool On) : ClientEvent;

/// <summary>
/// A message that changed (edited, recalled, reacted to) while the connection was down, as it is
/// now: found by <c>changes</c> after a reconnect. Which change it was, and by whom, is not told.
/// </summary>
public sealed record MessageUpdated(ChatMessage Message) : ClientEvent;

/// <param name="AddedBy">The member who added the user (native <c>invite</c>); null when it joined by itself.</param>
public sealed record MemberJoined(string Room, string User, string? AddedBy = null) : ClientEvent;

/// <param name="Reason">The reason the user gave for leaving, or the moderator for the removal.</param>
/// <param name="RemovedBy">The moderator who removed (kicked or banned) the user; null when the user left.</param>
/// <param name="Banned">The removal was a ban.</param>
public sealed record MemberLeft(string Room, string User, string? Reason = null, string? RemovedBy = null, bool Banned = false) : ClientEvent;

/// <summary>A moderator changed the room's settings, roles, bans or mutes (<c>RoomAsync</c> gives where it stands now).</summary>
public sealed record RoomChanged(string Room, string By, IReadOnlyList<RoomChange> Changes) : ClientEvent;

/// <summary>
/// One change: <paramref name="Setting"/> as docs/protocol.md names it (<c>invite_only</c>,
/// <c>secret</c>, <c>moderated</c>, <c>topic_locked</c>, <c>role</c>, <c>ban</c>, <c>mute</c>, …)
/// switched on or off, for <paramref name="Value"/> (the user of a role, ban or mute).
/// </summary>
public sealed record RoomChange(string Setting, bool On, string? Value, string? Role, DateTimeOffset? Until);

/// <summary>The room's owner deleted it, with its history.</summary>
public sealed record RoomDeleted(string Room, string By) : ClientEvent;

/// <param name="Reason">Why the user went offline, when known (an IRC QUIT message, an operator's KILL).</param>
public sealed record PresenceChanged(string User, bool Online, string? Reason = null) : ClientEvent;

/// <summary>A server operator's announcement to everyone.</summary>
public sealed record Announcement(string From, string Text) : ClientEvent;

public sealed record TopicChanged(string Room, string Topic, string By) : ClientEvent;

/// <summary>Another session of the same user read up to <see cref="Seq"/>.</summary>
public sealed record ReadMoved(Target Target, long Seq) : ClientEvent;

/// <summary>A user (this one, on another session, or one sharing a room) changed its profile; null parts are not set.</summary>
public sealed record ProfileChanged(string User, string? Display, string? Status) : ClientEvent;

/// <summary>This user, on another session, blocked (<see cref="On"/>) or unblocked <see cref="User"/>.</summary>
public sealed record BlockChanged(string User, bool On) : ClientEvent;

/// <summary>This user, on another session, opened a DM with <see cref="With"/>.</summary>
public sealed record DirectOpened(string With) : ClientEvent;

/// <summary>The server said goodbye (shutdown, line_too_long, slow_consumer…).</summary>
public sealed record ServerBye(string Reason) : ClientEvent;

/// <summary>The connection dropped. <see cref="WillRetry"/> says whether the client is reconnecting.</summary>
public sealed record ConnectionLost(string Reason, bool WillRetry) : ClientEvent;

/// <summary>The client is connected and signed in again; missed messages follow as replayed ones.</summary>
public sealed record Reconnected(int Attempts) : ClientEvent;

/// <summary>A frame the client did not understand; kept for diagnostics.</summary>
public sealed record UnknownFrame(string Json) : ClientEvent;
