namespace Parley.Client.Model;

/// <summary>A conversation in the login reply, with where it stands.</summary>
/// <param name="LastTimestamp">When its latest message was stored; null when it has none (or the server is older).</param>
/// <param name="Large">A large room: its members' joins, leaves and presence do not come as events (watch the users you show: <see cref="ParleyClient.WatchAsync"/>).</param>
public sealed record ConversationSummary(Target Target, string? Topic, int Members, long LastSeq, long Unread, DateTimeOffset? LastTimestamp = null, bool Large = false);

public sealed record SessionInfo(string User, string? Token, IReadOnlyList<ConversationSummary> Rooms, IReadOnlyList<ConversationSummary> Directs, ServerLimits Limits)
{
    /// <summary>The users this user blocks: a client collapses their room messages.</summary>
    public IReadOnlyList<string> Blocked { get; init; } = [];

    /// <summary>Where the server's HTTP listener is reached (<c>http://host:port</c>, maybe with a path): files are uploaded there; null when the server did not say.</summary>
    public Uri? HttpAddress { get; init; }
}

/// <param name="Large">A large room (see <see cref="ConversationSummary.Large"/>).</param>
public sealed record RoomListing(string Name, string Topic, int Members, bool Joined, bool Large = false);

public sealed record Member(string User, bool Online);

/// <summary>A room joined or created, with the first page of its members (the rest by <see cref="ParleyClient.MembersPageAsync"/>).</summary>
public sealed record JoinedRoom(string Room, string Topic, MemberPage Members);

/// <summary>
/// A page of a room's members: online first, then offline, each part in natural name order
/// (<c>u_2</c> before <c>u_10</c>), with the room's counts.
/// </summary>
/// <param name="Total">Members of the room.</param>
/// <param name="Online">How many of them are online.</param>
/// <param name="Next">Pass it as <c>after</c> for the next page; null on the last one.</param>
/// <param name="Large">A large room (see <see cref="ConversationSummary.Large"/>).</param>
public sealed record MemberPage(IReadOnlyList<Member> Members, int Total, int Online, string? Next, bool Large = false);

public sealed record SentMessage(string Id, long Seq, DateTimeOffset Timestamp)
{
    /// <summary>Whom the text calls by <c>@name</c>, as the server found them (the others see the same).</summary>
    public IReadOnlyList<string> Mentions { get; init; } = [];

    /// <summary>The sender is a room admin who called everyone with <c>@all</c>.</summary>
    public bool MentionsAll { get; init; }

    /// <summary>The files sent with it, with their links, as the others get them.</summary>
    public IReadOnlyList<Attachment> Attachments { get; init; } = [];
}

/// <summary>The messages of a conversation changed after a change number, each as it is now, in the order of its last change; <see cref="More"/>: ask again after the last one's <see cref="ChatMessage.Rev"/>.</summary>
public sealed record ChangesPage(IReadOnlyList<ChatMessage> Messages, bool More);

/// <param name="PeerRead">For a direct conversation, how far the other user has read it (its own messages up to there are read); null for a room.</param>
public sealed record HistoryPage(IReadOnlyList<ChatMessage> Messages, bool More, long? PeerRead = null);

/// <summary>A ban or a mute in force: whom, by whom, since when, until when (null: until lifted).</summary>
public sealed record Restriction(string User, string By, DateTimeOffset At, DateTimeOffset? Until);

/// <summary>A room's settings (the <c>room</c> op): who holds which role, the bans and mutes, and the asking user's own role (<c>owner</c>, <c>admin</c>, <c>voiced</c>, <c>member</c>).</summary>
public sealed record RoomInfo(
    string Room, string Topic, int Members, bool Joined, string Role, bool Private, bool Moderated, bool TopicLocked,
    IReadOnlyList<(string User, string Role)> Roles, IReadOnlyList<Restriction> Bans, IReadOnlyList<Restriction> Mutes);

/// <summary>A page of search hits, newest first; <see cref="Next"/> (set when <see cref="More"/>) asks for the next page.</summary>
public sealed record SearchPage(IReadOnlyList<ChatMessage> Messages, bool More, string? Next);
