using System.Text.Json;
using Parley.Core.Model;

namespace Parley.Core.Storage;

/// <summary>A room's moderation as one JSON text, the form every store keeps it in (one column, one hash field).</summary>
public static class ModerationJson
{
    private sealed record Stored(bool I, bool M, bool T, bool S, string? K, int? L, Dictionary<string, RoomRole>? R, List<StoredBan>? B, bool X = false, List<StoredMute>? U = null);

    private sealed record StoredBan(string Mask, string By, long At, long? Until = null);

    private sealed record StoredMute(string User, string By, long At, long? Until);

    public static string Write(RoomModeration m) => JsonSerializer.Serialize(new Stored(
        m.InviteOnly, m.Moderated, m.TopicLocked, m.Secret, m.Key, m.Limit,
        new Dictionary<string, RoomRole>(m.Roles, StringComparer.Ordinal),
        m.Bans.Select(b => new StoredBan(b.Mask, b.By, b.At.ToUnixTimeMilliseconds(), b.Until?.ToUnixTimeMilliseconds())).ToList(), m.ExternalMessages,
        m.Mutes.Count == 0 ? null : m.Mutes.Select(u => new StoredMute(u.User, u.By, u.At.ToUnixTimeMilliseconds(), u.Until?.ToUnixTimeMilliseconds())).ToList()),
        Options);

    // Moderation written before bans could end has no Until: it stays absent rather than null.
    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private static DateTimeOffset? Time(long? unixMs) => unixMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>The moderation in <paramref name="json"/>; null for null or empty text (a room stored before moderation).</summary>
    public static RoomModeration? Read(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return null;
        var s = JsonSerializer.Deserialize<Stored>(json)!;
        return new RoomModeration(s.I, s.M, s.T, s.S, s.K, s.L,
            s.R ?? new Dictionary<string, RoomRole>(),
            (s.B ?? []).Select(b => new RoomBan(b.Mask, b.By, DateTimeOffset.FromUnixTimeMilliseconds(b.At), Time(b.Until))).ToList(), s.X)
        {
            Mutes = (s.U ?? []).Select(u => new RoomMute(u.User, u.By, DateTimeOffset.FromUnixTimeMilliseconds(u.At), Time(u.Until))).ToList(),
        };
    }
}
