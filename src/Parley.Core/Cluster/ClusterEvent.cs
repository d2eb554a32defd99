using Parley.Core.Model;

namespace Parley.Core.Cluster;

/// <summary>
/// A change one node tells the others about, so that every node's in-memory view (rooms,
/// members, presence) stays the same and each can deliver to its own sessions.
/// </summary>
public abstract record ClusterEvent;

/// <summary>A message stored by another node. Carried in seq order per conversation.</summary>
public sealed record MessageStored(StoredMessage Message) : ClusterEvent;

public sealed record RoomCreated(string Room, string Topic, string Creator) : ClusterEvent;

/// <param name="Quit">A guest's membership ended with its connection (see <see cref="Events.MembershipEvent.Quit"/>).</param>
public sealed record MembershipChanged(string Room, string User, bool Joined, bool Quit = false) : ClusterEvent;

public sealed record TopicChanged(string Room, string Topic, string By) : ClusterEvent;

/// <summary>A user's read position moved; the user's sessions on every node hear of it.</summary>
public sealed record ReadMoved(string User, string? Room, string? With, long Seq, DateTimeOffset? Time = null) : ClusterEvent;

/// <summary>A user has its first session on <paramref name="Node"/> (Online) or its last one closed there.</summary>
/// <param name="Guest">The user is a guest: its memberships end when it goes offline, or when its node is lost.</param>
public sealed record NodePresence(string Node, string User, bool Online, string? Reason = null, bool Guest = false) : ClusterEvent;

/// <summary>An operator's announcement, for every node's sessions.</summary>
public sealed record Announced(string From, string Text) : ClusterEvent;

/// <summary>An operator ended every session of <paramref name="User"/>, on every node.</summary>
public sealed record UserKilled(string User, string Reason) : ClusterEvent;

/// <summary>This node's backplane connection came back after a break: events may have been missed meanwhile.</summary>
public sealed record BackplaneReconnected : ClusterEvent;

/// <summary>A node stopped without saying so (its heartbeat expired): its users are no longer online there.</summary>
public sealed record NodeLost(string Node) : ClusterEvent;
