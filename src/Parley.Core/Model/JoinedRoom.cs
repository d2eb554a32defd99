namespace Parley.Core.Model;

/// <summary>A joined room as the login reply lists it.</summary>
public sealed record JoinedRoom(string Name, string Topic, int Members, long LastSeq, long ReadSeq, long Unread, DateTimeOffset? LastTs);
