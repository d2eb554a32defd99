namespace Parley.Core.Model;

/// <summary>What a moderator can change about a room (IRC maps each to a channel mode).</summary>
public enum RoomSetting
{
    /// <summary>Only invited users may join.</summary>
    InviteOnly,

    /// <summary>Only voiced members and moderators may speak.</summary>
    Moderated,

    /// <summary>Only moderators may change the topic.</summary>
    TopicLocked,

    /// <summary>The room is left out of room lists for non-members (the hub's, so every protocol's).</summary>
    Secret,

    /// <summary>Joining needs <see cref="RoomChange.Value"/> as a key.</summary>
    Key,

    /// <summary>At most <see cref="RoomChange.Value"/> members.</summary>
    Limit,

    /// <summary>Users who are not members may send messages to the room (IRC's -n); off by default.</summary>
    ExternalMessages,

    /// <summary>Gives or takes <see cref="RoomChange.Role"/> from the member <see cref="RoomChange.Value"/>.</summary>
    Role,

    /// <summary>Bans or unbans the mask <see cref="RoomChange.Value"/> (see <see cref="RoomBan"/>), until <see cref="RoomChange.Until"/>.</summary>
    Ban,

    /// <summary>Mutes or unmutes the member <see cref="RoomChange.Value"/> (see <see cref="RoomMute"/>), until <see cref="RoomChange.Until"/>.</summary>
    Mute,
}

/// <summary>One change to a room's moderation: a setting switched on or off, with its value when it has one (and for a ban or a mute, when it ends).</summary>
public sealed record RoomChange(RoomSetting Setting, bool On, string? Value = null, RoomRole Role = RoomRole.Member, DateTimeOffset? Until = null);
