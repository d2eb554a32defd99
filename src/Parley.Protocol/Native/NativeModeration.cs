using System.Text.Json;
using Parley.Core.Model;
using Parley.Protocol.Json;

namespace Parley.Protocol.Native;

/// <summary>
/// The native ops that run a room (docs/protocol.md, "Moderation"): settings, adding people,
/// kick, ban, mute, roles, delete. Each acts on one user or one room and answers with who or what
/// it acted on; the room hears the change as events.
/// </summary>
internal static class NativeModeration
{
    /// <summary>The room's settings; with any of <c>topic</c>, <c>private</c>, <c>moderated</c>, <c>topicLocked</c>, changes them first.</summary>
    public static async Task<Reply> Room(NativeSession s, JsonRequest r)
    {
        var room = r.String("room");
        var topic = r.OptionalString("topic");
        var (isPrivate, moderated, topicLocked) = (r.OptionalBoolean("private"), r.OptionalBoolean("moderated"), r.OptionalBoolean("topicLocked"));
        if (topic is not null || isPrivate is not null || moderated is not null || topicLocked is not null)
        {
            var changed = await s.Hub.ConfigureRoomAsync(s, room, isPrivate, moderated, topicLocked, topic);
            if (!changed.Ok)
                return changed.Error!;
        }
        var settings = s.Hub.RoomSettings(s, room);
        return settings.Ok ? Reply.With(settings.Value!, WriteSettings) : settings.Error!;
    }

    public static async Task<Reply> Invite(NativeSession s, JsonRequest r) =>
        Acted(await s.Hub.AddMemberAsync(s, r.String("room"), r.String("user")), r);

    public static async Task<Reply> Kick(NativeSession s, JsonRequest r) =>
        Acted(await s.Hub.KickAsync(s, r.String("room"), r.String("user"), r.OptionalString("reason") ?? ""), r);

    public static async Task<Reply> Ban(NativeSession s, JsonRequest r) =>
        Acted(await s.Hub.BanAsync(s, r.String("room"), r.String("user"), r.OptionalTime("until"), r.OptionalString("reason") ?? ""), r);

    public static async Task<Reply> Unban(NativeSession s, JsonRequest r) =>
        Acted(await s.Hub.UnbanAsync(s, r.String("room"), r.String("user")), r);

    public static async Task<Reply> Mute(NativeSession s, JsonRequest r) =>
        Acted(await s.Hub.MuteAsync(s, r.String("room"), r.String("user"), on: true, r.OptionalTime("until")), r);

    public static async Task<Reply> Unmute(NativeSession s, JsonRequest r) =>
        Acted(await s.Hub.MuteAsync(s, r.String("room"), r.String("user"), on: false), r);

    public static async Task<Reply> Role(NativeSession s, JsonRequest r)
    {
        var room = r.String("room");
        var user = r.String("user");
        var role = r.String("role") switch
        {
            "owner" => RoomRole.Owner,
            "admin" => RoomRole.Admin,
            "voiced" => RoomRole.Voiced,
            "member" => RoomRole.Member,
            _ => throw new RequestException(ErrorCodes.BadField, "'role' is one of owner, admin, voiced, member"),
        };
        return Acted(await s.Hub.SetRoleAsync(s, room, user, role), r);
    }

    public static async Task<Reply> Delete(NativeSession s, JsonRequest r)
    {
        var deleted = await s.Hub.DeleteRoomAsync(s, r.String("room"));
        return deleted.Ok ? Reply.With(w => w.WriteString("room", deleted.Value)) : deleted.Error!;
    }

    /// <summary>The reply to an op on one member: the room as the request named it and the user as the server spells it.</summary>
    private static Reply Acted(Result<string> result, JsonRequest r)
    {
        if (!result.Ok)
            return result.Error!;
        var room = r.String("room");
        return Reply.With(w =>
        {
            w.WriteString("room", room);
            w.WriteString("user", result.Value);
        });
    }

    private static readonly Action<Utf8JsonWriter, object?> WriteSettings = static (w, state) =>
    {
        var settings = (RoomSettings)state!;
        var m = settings.Moderation;
        w.WriteString("room", settings.Name);
        w.WriteString("topic", settings.Topic);
        w.WriteNumber("members", settings.Members);
        w.WriteBoolean("joined", settings.Member);
        w.WriteString("role", RoleName(settings.MyRole));
        w.WriteBoolean("private", m.Private);
        w.WriteBoolean("moderated", m.Moderated);
        w.WriteBoolean("topicLocked", m.TopicLocked);
        w.WriteStartArray("roles");
        foreach (var (user, role) in settings.Roles)
        {
            w.WriteStartObject();
            w.WriteString("user", user);
            w.WriteString("role", RoleName(role));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("bans");
        foreach (var ban in m.Bans)
            WriteRestriction(w, ban.Mask, ban.By, ban.At, ban.Until);
        w.WriteEndArray();
        w.WriteStartArray("mutes");
        foreach (var mute in m.Mutes)
            WriteRestriction(w, mute.User, mute.By, mute.At, mute.Until);
        w.WriteEndArray();
    };

    /// <summary>A ban or a mute: whom, by whom, since when, and until when if it ends.</summary>
    private static void WriteRestriction(Utf8JsonWriter w, string user, string by, DateTimeOffset at, DateTimeOffset? until)
    {
        w.WriteStartObject();
        w.WriteString("user", user);
        w.WriteString("by", by);
        w.WriteString("at", JsonWire.Timestamp(at));
        if (until is { } end)
            w.WriteString("until", JsonWire.Timestamp(end));
        w.WriteEndObject();
    }

    public static string RoleName(RoomRole role) => role.ToString().ToLowerInvariant();
}
