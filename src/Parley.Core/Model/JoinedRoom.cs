namespace Parley.Core.Model;

/// <summary>A joined room as the login reply lists it.</summary>
public sealed record JoinedRoom(string Name, string Topic, int Members, long LastSeq, long ReadSeq, long Unread, DateTimeOffset? LastTs)
{
    /// <summary>More members than <see cref="Policy.ChatLimits.LargeRoomMembers"/>: its members' joins, leaves and presence are not pushed to native clients (docs/protocol.md, large rooms).</summary>
    public bool Large { get; init; }

    /// <inheritdoc cref="ConversationState.Mentioned"/>
    public long Mentioned { get; init; }
}
