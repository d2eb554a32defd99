namespace Parley.Core.Model;

public sealed record SessionStart(string User, string? Token, IReadOnlyList<JoinedRoom> Rooms, IReadOnlyList<DirectSummary> Directs);
