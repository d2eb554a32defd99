namespace Parley.Client.Model;

/// <summary>A conversation in the login reply, with where it stands.</summary>
/// <param name="LastTimestamp">When its latest message was stored; null when it has none (or the server is older).</param>
public sealed record ConversationSummary(Target Target, string? Topic, int Members, long LastSeq, long Unread, DateTimeOffset? LastTimestamp = null);

public sealed record SessionInfo(string User, string? Token, IReadOnlyList<ConversationSummary> Rooms, IReadOnlyList<ConversationSummary> Directs, ServerLimits Limits);

public sealed record RoomListing(string Name, string Topic, int Members, bool Joined);

public sealed record Member(string User, bool Online);

public sealed record JoinedRoom(string Room, string Topic, IReadOnlyList<Member> Members);

public sealed record SentMessage(string Id, long Seq, DateTimeOffset Timestamp);

public sealed record HistoryPage(IReadOnlyList<ChatMessage> Messages, bool More);
