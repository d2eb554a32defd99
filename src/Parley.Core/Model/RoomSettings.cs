namespace Parley.Core.Model;

/// <summary>
/// A room as its settings panel shows it: its settings, who holds a role (by display name, the
/// owner first), the bans and mutes in force, and the asking user's own role.
/// </summary>
public sealed record RoomSettings(
    string Name,
    string Topic,
    int Members,
    RoomModeration Moderation,
    IReadOnlyList<(string User, RoomRole Role)> Roles,
    RoomRole MyRole,
    bool Member);
