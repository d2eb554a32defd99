namespace Parley.Core.Model;

public sealed record SessionStart(string User, string? Token, IReadOnlyList<JoinedRoom> Rooms, IReadOnlyList<DirectSummary> Directs)
{
    /// <summary>The users this user blocks (display names, sorted ignoring case): its clients collapse their messages.</summary>
    public IReadOnlyList<string> Blocked { get; init; } = [];
}
