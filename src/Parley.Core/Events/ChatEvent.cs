using Parley.Core.Model;

namespace Parley.Core.Events;

/// <summary>Something the server tells clients without being asked. Adapters encode these per wire format.</summary>
public abstract record ChatEvent;

public sealed record MessageEvent(StoredMessage Message) : ChatEvent;

public sealed record MembershipEvent(string Room, string User, bool Joined) : ChatEvent;

public sealed record PresenceEvent(string User, bool Online) : ChatEvent;

public sealed record TopicEvent(string Room, string Topic, string By) : ChatEvent;

/// <summary>Tells a user's other sessions how far they have read, so unread counts agree across devices.</summary>
/// <param name="Room">The room, or null for a direct conversation.</param>
/// <param name="With">The other user of a direct conversation, or null for a room.</param>
public sealed record ReadEvent(string? Room, string? With, long Seq) : ChatEvent;

public sealed record ByeEvent(string Reason) : ChatEvent;
