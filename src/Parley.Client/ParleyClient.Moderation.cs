using System.Globalization;
using System.Text.Json;
using Parley.Client.Model;

namespace Parley.Client;

/// <summary>Running a room (docs/protocol.md, "Moderation"): settings, adding people, kick, ban, mute, roles, delete.</summary>
public sealed partial class ParleyClient
{
    /// <summary>The room's settings; with any of the optional arguments, changes them first (admins; the topic as <c>topic</c> allows).</summary>
    public async Task<RoomInfo> RoomAsync(string room, string? topic = null, bool? isPrivate = null, bool? moderated = null, bool? topicLocked = null,
        CancellationToken cancellationToken = default)
    {
        if (topic is not null)
            CheckLength(topic, Limits.MaxTopicChars, ParleyException.TopicTooLongCode, "topics");
        var reply = await RequestAsync("room", w =>
        {
            w.WriteString("room", room);
            if (topic is not null)
                w.WriteString("topic", topic);
            WriteOptional(w, "private", isPrivate);
            WriteOptional(w, "moderated", moderated);
            WriteOptional(w, "topicLocked", topicLocked);
        }, cancellationToken).ConfigureAwait(false);
        return new RoomInfo(
            reply.GetProperty("room").GetString()!, reply.GetProperty("topic").GetString()!, reply.GetProperty("members").GetInt32(),
            Frames.Flag(reply, "joined"), reply.GetProperty("role").GetString()!,
            Frames.Flag(reply, "private"), Frames.Flag(reply, "moderated"), Frames.Flag(reply, "topicLocked"),
            reply.GetProperty("roles").EnumerateArray().Select(r => (r.GetProperty("user").GetString()!, r.GetProperty("role").GetString()!)).ToList(),
            Restrictions(reply.GetProperty("bans")), Restrictions(reply.GetProperty("mutes")));
    }

    /// <summary>Adds a user to the room at once; returns the name as the server spells it.</summary>
    public Task<string> InviteAsync(string room, string user, CancellationToken cancellationToken = default) =>
        OnMemberAsync("invite", room, user, null, cancellationToken);

    public Task<string> KickAsync(string room, string user, string? reason = null, CancellationToken cancellationToken = default) =>
        OnMemberAsync("kick", room, user, w => WriteOptional(w, "reason", reason), cancellationToken);

    /// <summary>Bans the user (until <paramref name="until"/>, or until unbanned) and removes it from the room.</summary>
    public Task<string> BanAsync(string room, string user, DateTimeOffset? until = null, string? reason = null, CancellationToken cancellationToken = default) =>
        OnMemberAsync("ban", room, user, w =>
        {
            WriteOptional(w, "until", until);
            WriteOptional(w, "reason", reason);
        }, cancellationToken);

    public Task<string> UnbanAsync(string room, string user, CancellationToken cancellationToken = default) =>
        OnMemberAsync("unban", room, user, null, cancellationToken);

    /// <summary>Mutes a member (until <paramref name="until"/>, or until unmuted).</summary>
    public Task<string> MuteAsync(string room, string user, DateTimeOffset? until = null, CancellationToken cancellationToken = default) =>
        OnMemberAsync("mute", room, user, w => WriteOptional(w, "until", until), cancellationToken);

    public Task<string> UnmuteAsync(string room, string user, CancellationToken cancellationToken = default) =>
        OnMemberAsync("unmute", room, user, null, cancellationToken);

    /// <summary>Gives a member a role: <c>owner</c> (hands the room over), <c>admin</c>, <c>voiced</c> or <c>member</c>.</summary>
    public Task<string> SetRoleAsync(string room, string user, string role, CancellationToken cancellationToken = default) =>
        OnMemberAsync("role", room, user, w => w.WriteString("role", role), cancellationToken);

    /// <summary>Deletes the room with its history (its owner only).</summary>
    public async Task DeleteRoomAsync(string room, CancellationToken cancellationToken = default) =>
        await RequestAsync("delete", w => w.WriteString("room", room), cancellationToken).ConfigureAwait(false);

    private async Task<string> OnMemberAsync(string type, string room, string user, Action<Utf8JsonWriter>? more, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(type, w =>
        {
            w.WriteString("room", room);
            w.WriteString("user", user);
            more?.Invoke(w);
        }, cancellationToken).ConfigureAwait(false);
        return reply.GetProperty("user").GetString()!;
    }

    private static IReadOnlyList<Restriction> Restrictions(JsonElement list) =>
        list.EnumerateArray().Select(r => new Restriction(r.GetProperty("user").GetString()!, r.GetProperty("by").GetString()!,
            Frames.Time(r.GetProperty("at").GetString()!), r.TryGetProperty("until", out var until) ? Frames.Time(until.GetString()!) : null)).ToList();

    private static void WriteOptional(Utf8JsonWriter w, string name, bool? value)
    {
        if (value is { } v)
            w.WriteBoolean(name, v);
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
            w.WriteString(name, value);
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } v)
            w.WriteString(name, v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
    }
}
