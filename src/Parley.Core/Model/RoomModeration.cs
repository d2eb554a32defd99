using System.Collections.ObjectModel;

namespace Parley.Core.Model;

/// <summary>
/// A room's moderation as stored: its settings, the roles of its account members (by user key)
/// and its bans. Invitations are not stored: they last until used or the server restarts.
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
    /// <summary>A stored room's to begin with: nothing set (any member may change the topic, as before rooms had moderation).</summary>
    public static readonly RoomModeration Default = new(false, false, false, false, null, null, ReadOnlyDictionary<string, RoomRole>.Empty, []);
}
