using Parley.Core.Model;

namespace Parley.Core.Cluster;

/// <summary>
/// A change one node tells the others about, so that every node's in-memory view (rooms,
/// members, presence) stays the same and each can deliver to its own sessions.
/// </summary>
public abstract record ClusterEvent;

/// <summary>A message stored by another node. Carried in seq order per conversation.</summary>
public sealed record MessageStored(StoredMessage Message) : ClusterEvent;

/// <summary>A stored message was changed on another node: this node reads it as it is now from the store and tells its sessions.</summary>
public sealed record MessageChanged(string Conversation, string? Room, long Seq, Events.MessageChangeKind Kind, string By, string? Emoji = null, bool On = false,
    string? Reason = null) : ClusterEvent;

public sealed record RoomCreated(string Room, string Topic, string Creator) : ClusterEvent;

/// <param name="Quit">A guest's membership ended with its connection (see <see cref="Events.MembershipEvent.Quit"/>).</param>
/// <param name="By">The member who added the user (native <c>invite</c>), if not the user itself.</param>
public sealed record MembershipChanged(string Room, string User, bool Joined, bool Quit = false, string? By = null) : ClusterEvent;

public sealed record TopicChanged(string Room, string Topic, string By) : ClusterEvent;

/// <summary>A moderator changed a stored room's roles, settings or bans (the changes as applied, in order).</summary>
public sealed record RoomModerated(string Room, string By, IReadOnlyList<RoomChange> Changes) : ClusterEvent;

/// <summary>A moderator removed <paramref name="User"/> from a stored room (and banned it, when <paramref name="Ban"/>).</summary>
public sealed record MemberKicked(string Room, string User, string By, string Reason, bool Ban = false) : ClusterEvent;

/// <summary>The owner deleted a stored room.</summary>
public sealed record RoomDeleted(string Room, string By) : ClusterEvent;

/// <summary><paramref name="By"/> invited <paramref name="User"/> to a stored room: it may join past its moderation once, on any node.</summary>
public sealed record MemberInvited(string Room, string User, string By) : ClusterEvent;

/// <summary>A user's read position moved; the user's sessions on every node hear of it.</summary>
public sealed record ReadMoved(string User, string? Room, string? With, long Seq, DateTimeOffset? Time = null) : ClusterEvent;

/// <summary>A user has its first session on <paramref name="Node"/> (Online) or its last one closed there.</summary>
/// <param name="Guest">The user is a guest: its memberships end when it goes offline, or when its node is lost.</param>
public sealed record NodePresence(string Node, string User, bool Online, string? Reason = null, bool Guest = false) : ClusterEvent;

/// <summary>A signal (<see cref="Events.SignalEvent"/>) sent on another node, for this node's sessions of its room or users.</summary>
public sealed record Signaled(Events.SignalEvent Signal) : ClusterEvent;

/// <summary>A user went away (<paramref name="Message"/>) or came back (null), by IRC AWAY.</summary>
public sealed record AwayChanged(string User, string? Message) : ClusterEvent;

/// <summary>An operator's announcement, for every node's sessions.</summary>
public sealed record Announced(string From, string Text) : ClusterEvent;

/// <summary>An operator ended every session of <paramref name="User"/>, on every node (also: the account signed out everywhere, was disabled or deleted).</summary>
/// <param name="Bye">The <c>bye</c> reason its sessions get (<see cref="Model.ByeReasons"/>).</param>
public sealed record UserKilled(string User, string Reason, string Bye = ByeReasons.Killed) : ClusterEvent;

/// <summary>This node's backplane connection came back after a break: events may have been missed meanwhile.</summary>
public sealed record BackplaneReconnected : ClusterEvent;

/// <summary>A node stopped without saying so (its heartbeat expired): its users are no longer online there.</summary>
public sealed record NodeLost(string Node) : ClusterEvent;
