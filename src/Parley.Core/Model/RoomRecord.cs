namespace Parley.Core.Model;

/// <summary>A room with its members' display names.</summary>
public sealed record RoomRecord(string Name, string Topic, DateTimeOffset Created, IReadOnlyList<string> Members)
{
    public string Key => Names.Key(Name);

    /// <summary>Roles, settings and bans; null for a room stored before it had any (the defaults apply).</summary>
    public RoomModeration? Moderation { get; init; }
}
