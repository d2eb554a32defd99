namespace Parley.Core.Model;

public sealed record UserRecord(string Name, string PasswordHash, DateTimeOffset Created)
{
    public string Key => Names.Key(Name);
}

/// <summary>A room with its members' display names.</summary>
public sealed record RoomRecord(string Name, string Topic, DateTimeOffset Created, IReadOnlyList<string> Members)
{
    public string Key => Names.Key(Name);
}

/// <summary>Where one user stands in one conversation: for unread counts and the conversation list.</summary>
/// <param name="Peer">The other user's display name for a direct conversation; null for a room.</param>
/// <param name="LastTs">When the conversation's latest message was stored; null when it has none.</param>
public sealed record ConversationState(string Conversation, string? Peer, long LastSeq, long ReadSeq, long Unread, DateTimeOffset? LastTs);

public sealed record HistoryPage(IReadOnlyList<StoredMessage> Messages, bool More);

public sealed record MemberInfo(string User, bool Online);

public sealed record RoomSummary(string Name, string Topic, int Members, bool Joined);

/// <summary>A joined room as the login reply lists it.</summary>
public sealed record JoinedRoom(string Name, string Topic, int Members, long LastSeq, long ReadSeq, long Unread, DateTimeOffset? LastTs);

public sealed record DirectSummary(string With, long LastSeq, long ReadSeq, long Unread, DateTimeOffset? LastTs);

public sealed record SessionStart(string User, string? Token, IReadOnlyList<JoinedRoom> Rooms, IReadOnlyList<DirectSummary> Directs);

public sealed record JoinResult(string Room, string Topic, IReadOnlyList<MemberInfo> Members);
