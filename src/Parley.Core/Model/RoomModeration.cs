using System.Collections.ObjectModel;

namespace Parley.Core.Model;

/// <summary>
/// A room's moderation as stored: its settings, the roles of its account members (by user key),
/// its bans and its mutes. Invitations are not stored: they last until used or the server restarts.
/// </summary>
public sealed record RoomModeration(
    bool InviteOnly,
    bool Moderated,
    bool TopicLocked,
    bool Secret,
    string? Key,
    int? Limit,
    IReadOnlyDictionary<string, RoomRole> Roles,
    IReadOnlyList<RoomBan> Bans,
    bool ExternalMessages = false)
{
    /// <summary>Members who may not speak, each until its own time.</summary>
    public IReadOnlyList<RoomMute> Mutes { get; init; } = [];

    /// <summary>Private (native <c>room</c>'s <c>private</c>): joined by invitation only and left out of others' room lists.</summary>
    public bool Private => InviteOnly && Secret;

    /// <summary>Whether a ban in force matches the user. Runs on sends and joins: no allocation when there are no bans.</summary>
    public bool IsBanned(string userName, DateTimeOffset now) => Bans.Count > 0 && Bans.Any(b => b.Matches(userName, now));

    /// <summary>A stored room's to begin with: nothing set (any member may change the topic, as before rooms had moderation).</summary>
    public static readonly RoomModeration Default = new(false, false, false, false, null, null, ReadOnlyDictionary<string, RoomRole>.Empty, []);
}
