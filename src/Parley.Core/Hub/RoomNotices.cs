using System.Globalization;
using Parley.Core.Model;

namespace Parley.Core.Hub;

/// <summary>
/// The system lines a stored room's history gets when someone changes it
/// (<see cref="NewMessage.IsSystem"/>): "alice removed bob: spam", "alice made bob an admin". Plain
/// English, one line per action; joins and leaves by the members themselves get none (a room of
/// thousands would be nothing else).
/// </summary>
internal static class RoomNotices
{
    public static string Added(string by, string user) => $"{by} added {user}";

    public static string Removed(string by, string user, string reason) =>
        reason.Length == 0 ? $"{by} removed {user}" : $"{by} removed {user}: {reason}";

    public static string Topic(string by, string topic) =>
        topic.Length == 0 ? $"{by} cleared the topic" : $"{by} changed the topic to \u201c{topic}\u201d";

    /// <summary>One line for the changes one action applied, or null when none is worth a line.</summary>
    public static string? Changes(string by, IReadOnlyList<RoomChange> applied)
    {
        var parts = new List<string>();
        // Private is invite-only and secret together: one phrase for the pair.
        var inviteOnly = applied.FirstOrDefault(c => c.Setting == RoomSetting.InviteOnly);
        var secret = applied.FirstOrDefault(c => c.Setting == RoomSetting.Secret);
        var privacy = inviteOnly is not null && secret is not null && inviteOnly.On == secret.On;
        if (privacy)
            parts.Add(inviteOnly!.On ? "made the room private" : "made the room public");
        foreach (var change in applied)
        {
            if (privacy && change.Setting is RoomSetting.InviteOnly or RoomSetting.Secret)
                continue;
            // A role taken and another given (admin to voiced, an owner handing over) reads as the one given.
            if (change.Setting == RoomSetting.Role && !change.On
                && applied.Any(c => c.Setting == RoomSetting.Role && c.On && string.Equals(c.Value, change.Value, StringComparison.OrdinalIgnoreCase)))
                continue;
            // Handing a room over takes the owner's role from the one who hands it: implied by the heir's.
            if (change.Setting == RoomSetting.Role && !change.On && change.Role == RoomRole.Owner
                && applied.Any(c => c.Setting == RoomSetting.Role && c.On && c.Role == RoomRole.Owner))
                continue;
            if (change.Setting == RoomSetting.Role && change.On && string.Equals(change.Value, by, StringComparison.OrdinalIgnoreCase))
                parts.Add($"became {Noun(change.Role)}");
            else if (Phrase(change) is { } phrase)
                parts.Add(phrase);
        }
        return parts.Count == 0 ? null : $"{by} {string.Join(", ", parts)}";
    }

    private static string? Phrase(RoomChange c) => c.Setting switch
    {
        RoomSetting.InviteOnly => c.On ? "let only invited people join" : "let anyone join",
        RoomSetting.Secret => c.On ? "hid the room from the room list" : "listed the room",
        RoomSetting.Moderated => c.On ? "let only admins and voiced members speak" : "let every member speak",
        RoomSetting.TopicLocked => c.On ? "let only admins change the topic" : "let every member change the topic",
        RoomSetting.Key => c.On ? "set a key to join" : "removed the key",
        RoomSetting.Limit => c.On ? $"limited the room to {c.Value} members" : "removed the member limit",
        RoomSetting.ExternalMessages => c.On ? "let non-members send to the room" : "let only members send to the room",
        RoomSetting.Role when c.On => $"made {c.Value} {Noun(c.Role)}",
        RoomSetting.Role => $"made {c.Value} a plain member",
        RoomSetting.Ban => c.On ? $"banned {c.Value}{Until(c.Until)}" : $"lifted the ban on {c.Value}",
        RoomSetting.Mute => c.On ? $"muted {c.Value}{Until(c.Until)}" : $"unmuted {c.Value}",
        _ => null,
    };

    private static string Noun(RoomRole role) => role switch
    {
        RoomRole.Owner => "the owner",
        RoomRole.Admin => "an admin",
        RoomRole.Voiced => "a voiced member",
        _ => "a member",
    };

    private static string Until(DateTimeOffset? until) =>
        until is { } end ? " until " + end.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "";
}
