using Parley.Core.Model;

namespace Parley.Core.Events;

/// <summary>Something the server tells clients without being asked. Adapters encode these per wire format.</summary>
public abstract record ChatEvent;

public sealed record MessageEvent(StoredMessage Message) : ChatEvent;

/// <summary>
/// A stored message was edited, recalled or reacted to: <paramref name="Message"/> is as it is
/// now (its <see cref="StoredMessage.State"/> carries the change number). Told to those the
/// message was told to.
/// </summary>
/// <param name="By">Who made the change: the author (edit), the author or a room admin (recall), the reacting user.</param>
/// <param name="Emoji">A reaction's emoji, added (<paramref name="On"/>) or taken back.</param>
/// <param name="Reason">Why a recall was made, when its maker said (IRC's REDACT); told live, never stored.</param>
public sealed record MessageChangedEvent(StoredMessage Message, MessageChangeKind Kind, string By, string? Emoji = null, bool On = false, string? Reason = null) : ChatEvent;

public enum MessageChangeKind { Edit, Recall, React }

/// <param name="Quit">The user left because its connection ended (a guest, whose memberships end with it), not by leaving the room.</param>
/// <param name="Reason">Why the user left, when it said (an IRC PART message).</param>
/// <param name="Away">On a join, the joiner's away message if it is away (read once per join, not per receiver: IRC away-notify shows it at once).</param>
/// <param name="By">On a join, the member who added the user (native <c>invite</c>); null when the user joined by itself.</param>
public sealed record MembershipEvent(string Room, string User, bool Joined, bool Quit = false, string? Reason = null, string? Away = null, string? By = null) : ChatEvent;

/// <param name="Reason">Why the user went offline, when its client said (an IRC QUIT message) or an operator did.</param>
public sealed record PresenceEvent(string User, bool Online, string? Reason = null) : ChatEvent;

/// <summary>
/// A user an IRC session MONITORs came online (on any node) or went offline. Told only to its
/// watchers; a native session that watches a user gets the user's <see cref="PresenceEvent"/> instead.
/// </summary>
public sealed record WatchEvent(string User, bool Online) : ChatEvent;

/// <summary>
/// A large room's counts changed (its members and how many are online): told, at most once per
/// tick, instead of each member's comings and goings; once more, with <paramref name="Large"/>
/// false, when the room stops being large.
/// </summary>
public sealed record RoomCountsEvent(string Room, int Members, int Online, bool Large) : ChatEvent;

/// <summary>A user changed its real name (IRC SETNAME): its sessions, those sharing a room with it, and its extended watchers hear it.</summary>
public sealed record RealNameEvent(string User, string RealName) : ChatEvent;

/// <summary>A server operator's announcement to everyone connected (IRC WALLOPS).</summary>
public sealed record AnnouncementEvent(string From, string Text) : ChatEvent;

/// <summary>A guest took another name (<see cref="Policy.GuestPolicy.Open"/>); accounts keep theirs.</summary>
public sealed record RenameEvent(string From, string To) : ChatEvent;

/// <summary>A user went away (<paramref name="Message"/> says why) or came back (null).</summary>
public sealed record AwayEvent(string User, string? Message) : ChatEvent;

/// <summary>A moderator changed a room's roles, settings or bans (<see cref="RoomChange"/>s, in order).</summary>
public sealed record RoomChangedEvent(string Room, string By, IReadOnlyList<RoomChange> Changes) : ChatEvent;

/// <summary>A moderator removed <paramref name="User"/> from the room (and banned it, when <paramref name="Ban"/>); the room, the user included, hears it.</summary>
public sealed record KickEvent(string Room, string User, string By, string Reason, bool Ban = false) : ChatEvent;

/// <summary>The room's owner deleted it; everyone who was in it hears it, and it is gone with its history.</summary>
public sealed record RoomDeletedEvent(string Room, string By) : ChatEvent;

/// <summary><paramref name="By"/> invited <paramref name="User"/> to the room; told to the user and the room's admins.</summary>
public sealed record InviteEvent(string Room, string User, string By) : ChatEvent;

public sealed record TopicEvent(string Room, string Topic, string By) : ChatEvent;

/// <summary>Tells a user's other sessions how far they have read, so unread counts agree across devices.</summary>
/// <param name="Room">The room, or null for a direct conversation.</param>
/// <param name="With">The other user of a direct conversation, or null for a room.</param>
/// <param name="Time">The read position's time (<see cref="ReadMark.Time"/>), for protocols that mark by time.</param>
public sealed record ReadEvent(string? Room, string? With, long Seq, DateTimeOffset? Time = null) : ChatEvent;

/// <summary>
/// Said live to a room or a user and never stored: IRCv3 TAGMSG's client-only tags (typing,
/// reactions, …, in their wire form as <see cref="NewMessage.ClientTags"/>). Exactly one of
/// <paramref name="Room"/> and <paramref name="To"/> is set.
/// </summary>
public sealed record SignalEvent(string Id, DateTimeOffset Timestamp, string From, string? Room, string? To, string ClientTags) : ChatEvent;

public sealed record ByeEvent(string Reason) : ChatEvent;
