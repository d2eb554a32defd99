using System.Collections.Frozen;
using System.Text.Json;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Protocol.Json;

namespace Parley.Protocol.Native;

/// <summary>
/// The native protocol's ops (docs/protocol.md). Preconditions are checked once by
/// <see cref="NativeSession"/> from this table; handlers only read fields, call the hub and
/// shape the reply.
/// </summary>
internal static partial class NativeCommands
{
    public static readonly FrozenDictionary<string, NativeCommand> Table = new Dictionary<string, NativeCommand>
    {
        ["register"] = new(NeedsAuth: false, Register),
        ["login"] = new(NeedsAuth: false, Login),
        ["resume"] = new(NeedsAuth: false, Resume),
        ["ping"] = new(NeedsAuth: false, (_, _) => Task.FromResult(Reply.Ok)),
        ["logout"] = new(NeedsAuth: true, Logout),
        ["rooms"] = new(NeedsAuth: true, Rooms),
        ["create"] = new(NeedsAuth: true, Create),
        ["join"] = new(NeedsAuth: true, Join),
        ["leave"] = new(NeedsAuth: true, Leave),
        ["topic"] = new(NeedsAuth: true, Topic),
        ["send"] = new(NeedsAuth: true, Send),
        ["members"] = new(NeedsAuth: true, Members),
        ["watch"] = new(NeedsAuth: true, Watch),
        ["online"] = new(NeedsAuth: true, Online),
        ["history"] = new(NeedsAuth: true, History),
        ["read"] = new(NeedsAuth: true, Read),
        ["edit"] = new(NeedsAuth: true, NativeMessageChanges.Edit),
        ["recall"] = new(NeedsAuth: true, NativeMessageChanges.Recall),
        ["react"] = new(NeedsAuth: true, NativeMessageChanges.React),
        ["changes"] = new(NeedsAuth: true, NativeMessageChanges.Changes),
        ["typing"] = new(NeedsAuth: true, Typing),
        ["search"] = new(NeedsAuth: true, Search),
        ["room"] = new(NeedsAuth: true, NativeModeration.Room),
        ["invite"] = new(NeedsAuth: true, NativeModeration.Invite),
        ["kick"] = new(NeedsAuth: true, NativeModeration.Kick),
        ["ban"] = new(NeedsAuth: true, NativeModeration.Ban),
        ["unban"] = new(NeedsAuth: true, NativeModeration.Unban),
        ["mute"] = new(NeedsAuth: true, NativeModeration.Mute),
        ["unmute"] = new(NeedsAuth: true, NativeModeration.Unmute),
        ["role"] = new(NeedsAuth: true, NativeModeration.Role),
        ["delete"] = new(NeedsAuth: true, NativeModeration.Delete),
        ["password"] = new(NeedsAuth: true, Password),
        ["delete_account"] = new(NeedsAuth: true, DeleteAccount),
        ["admin.users"] = new(NeedsAuth: false, AdminUsers, Operator: true),
        ["admin.create"] = new(NeedsAuth: false, AdminCreate, Operator: true),
        ["admin.invite"] = new(NeedsAuth: false, AdminInvite, Operator: true),
        ["admin.uninvite"] = new(NeedsAuth: false, AdminUninvite, Operator: true),
        ["admin.password"] = new(NeedsAuth: false, AdminPassword, Operator: true),
        ["admin.disable"] = new(NeedsAuth: false, AdminDisable, Operator: true),
        ["admin.enable"] = new(NeedsAuth: false, AdminEnable, Operator: true),
        ["admin.delete"] = new(NeedsAuth: false, AdminDelete, Operator: true),
        ["admin.rooms"] = new(NeedsAuth: false, AdminRooms, Operator: true),
        ["admin.owner"] = new(NeedsAuth: false, AdminOwner, Operator: true),
        ["admin.remove"] = new(NeedsAuth: false, AdminRemove, Operator: true),
        ["users"] = new(NeedsAuth: true, Users),
        ["profile"] = new(NeedsAuth: true, Profile),
        ["block"] = new(NeedsAuth: true, Block),
        ["open"] = new(NeedsAuth: true, Open),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static async Task<Reply> Register(NativeSession s, JsonRequest r) =>
        SessionStarted(s, await s.Hub.RegisterAsync(s, r.String("user"), r.String("password"), r.OptionalString("invite")));

    private static async Task<Reply> Login(NativeSession s, JsonRequest r) =>
        SessionStarted(s, await s.Hub.LoginAsync(s, r.String("user"), r.String("password")));

    private static async Task<Reply> Resume(NativeSession s, JsonRequest r) =>
        SessionStarted(s, await s.Hub.ResumeAsync(s, r.String("token")));

    private static async Task<Reply> Logout(NativeSession s, JsonRequest r) =>
        Done(r.OptionalBoolean("everywhere") == true ? await s.Hub.LogoutEverywhereAsync(s) : await s.Hub.LogoutAsync(s));

    private static Task<Reply> Rooms(NativeSession s, JsonRequest r)
    {
        var rooms = s.Hub.Rooms(s).Value!;
        return Task.FromResult(Reply.With(w =>
        {
            w.WriteStartArray("rooms");
            foreach (var room in rooms)
            {
                w.WriteStartObject();
                WriteRoomFields(w, room.Name, room.Topic, room.Members, room.Joined, room.Large);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }));
    }

    private static async Task<Reply> Create(NativeSession s, JsonRequest r) =>
        Joined(s, await s.Hub.CreateRoomAsync(s, r.String("room"), r.OptionalString("topic")));

    private static async Task<Reply> Join(NativeSession s, JsonRequest r) =>
        Joined(s, await s.Hub.JoinAsync(s, r.String("room"), r.OptionalString("key")));

    private static async Task<Reply> Leave(NativeSession s, JsonRequest r)
    {
        var left = await s.Hub.LeaveAsync(s, r.String("room"));
        return left.Ok ? Reply.With(w => w.WriteString("room", left.Value)) : left.Error!;
    }

    private static async Task<Reply> Topic(NativeSession s, JsonRequest r) =>
        Done(await s.Hub.SetTopicAsync(s, r.String("room"), r.String("topic")));

    private static async Task<Reply> Send(NativeSession s, JsonRequest r)
    {
        var (room, to) = r.OneOf("room", "to");
        var files = r.Has("attachments") ? r.StringArray("attachments") : null;
        // A message of files may go without a caption.
        var text = files is null ? r.String("text") : r.OptionalString("text") ?? "";
        var replyTo = r.OptionalInteger("replyTo");
        r.ReleaseBody();
        Result<StoredMessage> sent;
        if (files is not null)
        {
            sent = await s.Hub.SendFilesAsync(s, room, to, text, files, replyTo);
        }
        else if (room is null)
        {
            sent = await s.Hub.SendDirectAsync(s, to!, text, replyTo: replyTo);
        }
        else
        {
            var started = s.Hub.StartSendToRoom(s, room, text, replyTo);
            sent = started.Ok ? await started.Value! : started.Error!;
        }
        if (!sent.Ok)
            return sent.Error!;
        // A message of files: the sender's links to them too, to show them as others will.
        if (sent.Value!.Attachments is not null)
            return Reply.With(w => WriteSentMessage(w, sent.Value, s.Hub.Links));
        return Reply.With(sent.Value!, WriteSent);
    }

    private static readonly Action<Utf8JsonWriter, object?> WriteSent = static (w, state) => WriteSentMessage(w, (StoredMessage)state!, links: null);

    private static void WriteSentMessage(Utf8JsonWriter w, StoredMessage message, FileLinks? links)
    {
        w.WriteStartObject(JsonWire.Property.Message);
        w.WriteString(JsonWire.Property.Id, message.Id);
        w.WriteNumber(JsonWire.Property.Seq, message.Seq);
        JsonWire.WriteTimestamp(w, JsonWire.Property.Ts, message.Timestamp);
        // Who the server found the text calls, so the sender shows it as others will.
        if (message.Mentions is { } mentions)
        {
            w.WriteStartArray("mentions");
            foreach (var user in mentions)
                w.WriteStringValue(user);
            w.WriteEndArray();
        }
        if (message.MentionsAll)
            w.WriteBoolean("mentionsAll", true);
        if (links is not null && message.Attachments is { } attachments)
            JsonWire.WriteAttachments(w, attachments, links);
        w.WriteEndObject();
    }

    private static Task<Reply> Members(NativeSession s, JsonRequest r)
    {
        var room = r.String("room");
        var limit = r.OptionalInteger("limit");
        var page = s.Hub.MembersPage(room, limit is { } l ? (int)Math.Min(l, int.MaxValue) : null, r.OptionalString("after"), r.OptionalString("query"));
        return Task.FromResult(page.Ok ? Reply.With(w => WriteMembers(w, page.Value!)) : page.Error!);
    }

    private static Task<Reply> Watch(NativeSession s, JsonRequest r)
    {
        var watched = s.Hub.WatchOnly(s, r.StringArray("users"));
        return Task.FromResult(watched.Ok ? Reply.With(w => WriteMemberList(w, "users", watched.Value!)) : watched.Error!);
    }

    private static Task<Reply> Online(NativeSession s, JsonRequest r)
    {
        var users = s.Hub.Online().Value!;
        return Task.FromResult(Reply.With(w =>
        {
            w.WriteStartArray("users");
            foreach (var user in users)
                w.WriteStringValue(user);
            w.WriteEndArray();
        }));
    }

    private static async Task<Reply> History(NativeSession s, JsonRequest r)
    {
        var (room, with) = r.OneOf("room", "with");
        var before = r.OptionalInteger("before");
        var limit = r.OptionalInteger("limit");
        var page = await s.Hub.HistoryAsync(s, room, with, before, limit is { } l ? (int)Math.Min(l, int.MaxValue) : null);
        if (!page.Ok)
            return page.Error!;
        var peerRead = await PeerReadAsync(s, with);
        return Reply.With(w =>
        {
            JsonWire.WriteMessages(w, page.Value!.Messages, s.Hub.Links);
            w.WriteBoolean("more", page.Value.More);
            if (peerRead is { } seq)
                w.WriteNumber("peerRead", seq);
        });
    }

    private static async Task<Reply> Read(NativeSession s, JsonRequest r)
    {
        var (room, with) = r.OneOf("room", "with");
        return Done(await s.Hub.MarkReadAsync(s, room, with, r.Integer("seq")));
    }

    /// <summary>How many unread messages call the user, when any do.</summary>
    private static void WriteMentioned(Utf8JsonWriter w, long mentioned)
    {
        if (mentioned > 0)
            w.WriteNumber("mentioned", mentioned);
    }

    private static Reply Done(Result<Core.Model.Done> result) => result.Ok ? Reply.Ok : result.Error!;

    /// <summary>A join or create reply: the room, and the first page of its members (a big room's list is paged by <c>members</c>).</summary>
    private static Reply Joined(NativeSession s, Result<JoinResult> result)
    {
        if (!result.Ok)
            return result.Error!;
        var joined = result.Value!;
        var members = s.Hub.MembersPage(joined.Room);
        return Reply.With(w =>
        {
            w.WriteString("room", joined.Room);
            w.WriteString("topic", joined.Topic);
            // The room can only vanish in between for a guest's transient room: an empty page then.
            WriteMembers(w, members.Value ?? new MemberPage([], 0, 0, null));
        });
    }

    private static Reply SessionStarted(NativeSession s, Result<SessionStart> result)
    {
        if (!result.Ok)
            return result.Error!;
        var start = result.Value!;
        return Reply.With(w =>
        {
            w.WriteString("user", start.User);
            if (start.Token is not null)
                w.WriteString("token", start.Token);
            // Where files are uploaded and downloaded (docs/protocol.md, "Files"), for a client that did not come by HTTP.
            if (s.Hub.Links.BaseUrl is { } http)
                w.WriteString("http", http);
            WriteLimits(w, s.Hub.Limits, s.Options);
            w.WriteStartArray("rooms");
            foreach (var room in start.Rooms)
            {
                w.WriteStartObject();
                WriteRoomFields(w, room.Name, room.Topic, room.Members, joined: true, room.Large);
                w.WriteNumber("lastSeq", room.LastSeq);
                w.WriteNumber("readSeq", room.ReadSeq);
                w.WriteNumber("unread", room.Unread);
                WriteMentioned(w, room.Mentioned);
                WriteLastTs(w, room.LastTs);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("dms");
            foreach (var direct in start.Directs)
            {
                w.WriteStartObject();
                w.WriteString("with", direct.With);
                w.WriteNumber("lastSeq", direct.LastSeq);
                w.WriteNumber("readSeq", direct.ReadSeq);
                w.WriteNumber("unread", direct.Unread);
                WriteMentioned(w, direct.Mentioned);
                WriteLastTs(w, direct.LastTs);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            WriteBlocked(w, start.Blocked);
        });
    }

    /// <summary>
    /// What a client must keep to, so Parley's own clients refuse or split an over-long text
    /// instead of being closed for an over-long line.
    /// </summary>
    private static void WriteLimits(Utf8JsonWriter w, ChatLimits limits, ConnectionOptions connection)
    {
        w.WriteStartObject("limits");
        w.WriteNumber("maxTextChars", limits.MaxTextChars);
        w.WriteNumber("maxTopicChars", limits.MaxTopicChars);
        w.WriteNumber("maxLineBytes", connection.MaxLineBytes);
        w.WriteNumber("historyMax", limits.HistoryMax);
        w.WriteNumber("membersPageMax", limits.MembersPageMax);
        w.WriteNumber("maxWatchedUsers", limits.MaxWatchedUsers);
        w.WriteNumber("maxAttachments", limits.MaxAttachments);
        w.WriteNumber("maxUploadBytes", limits.MaxUploadBytes);
        WritePeopleLimits(w);
        w.WriteEndObject();
    }

    /// <summary>A sign-in reply's conversation entry: when its latest message was stored; absent when it has none.</summary>
    private static void WriteLastTs(Utf8JsonWriter w, DateTimeOffset? lastTs)
    {
        if (lastTs is { } ts)
            JsonWire.WriteTimestamp(w, LastTs, ts);
    }

    private static readonly JsonEncodedText LastTs = JsonEncodedText.Encode("lastTs");

    /// <summary>A room as listed by <c>rooms</c> and in the sign-in replies.</summary>
    private static void WriteRoomFields(Utf8JsonWriter w, string name, string topic, int members, bool joined, bool large)
    {
        w.WriteString("name", name);
        w.WriteString("topic", topic);
        w.WriteNumber("members", members);
        w.WriteBoolean("joined", joined);
        WriteLarge(w, large);
    }

    /// <summary>Only when true: a room's members are not followed one by one (docs/protocol.md, large rooms).</summary>
    private static void WriteLarge(Utf8JsonWriter w, bool large)
    {
        if (large)
            w.WriteBoolean("large", true);
    }

    private static void WriteMembers(Utf8JsonWriter w, MemberPage page)
    {
        WriteMemberList(w, "members", page.Members);
        WriteLarge(w, page.Large);
        w.WriteNumber("total", page.Total);
        w.WriteNumber("online", page.Online);
        if (page.Next is { } next)
            w.WriteString("next", next);
    }

    /// <summary>Users with their presence: <c>[{"user":"alice","online":true}, …]</c>.</summary>
    private static void WriteMemberList(Utf8JsonWriter w, string property, IReadOnlyList<MemberInfo> members)
    {
        w.WriteStartArray(property);
        foreach (var member in members)
        {
            w.WriteStartObject();
            w.WriteString("user", member.User);
            w.WriteBoolean("online", member.Online);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
