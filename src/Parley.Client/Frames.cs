using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Parley.Client.Model;

namespace Parley.Client;

/// <summary>Writing requests and reading the server's JSON shapes.</summary>
internal static class Frames
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Request(long id, string type, Action<Utf8JsonWriter>? fields)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", id);
            writer.WriteString("type", type);
            fields?.Invoke(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static void WriteTarget(Utf8JsonWriter writer, Target target, string userField)
    {
        if (target.IsRoom)
            writer.WriteString("room", target.Room);
        else
            writer.WriteString(userField, target.User);
    }

    /// <summary>
    /// A message as the server writes it; a recalled one has no <c>text</c> (read as empty). Its
    /// files' links are put after <paramref name="http"/> (the server's HTTP address), when known.
    /// </summary>
    public static ChatMessage Message(JsonElement e, string? http) => new(
        e.GetProperty("id").GetString()!,
        e.GetProperty("seq").GetInt64(),
        Time(e.GetProperty("ts").GetString()!),
        e.GetProperty("from").GetString()!,
        OptionalString(e, "room"),
        OptionalString(e, "to"),
        OptionalString(e, "text") ?? "")
    {
        IsSystem = Flag(e, "system"),
        Removed = Flag(e, "removed"),
        ReplyTo = e.TryGetProperty("replyTo", out var replyTo) && replyTo.ValueKind == JsonValueKind.Number ? replyTo.GetInt64() : null,
        Mentions = Names(e, "mentions"),
        MentionsAll = Flag(e, "mentionsAll"),
        Rev = Long(e, "rev"),
        Edited = OptionalString(e, "edited") is { } edited ? Time(edited) : null,
        Recalled = Flag(e, "recalled"),
        RecalledBy = OptionalString(e, "recalledBy"),
        Reactions = e.TryGetProperty("reactions", out var reactions) && reactions.ValueKind == JsonValueKind.Array
            ? [.. reactions.EnumerateArray().Select(r => new Reaction(r.GetProperty("emoji").GetString()!, Names(r, "users")))]
            : [],
        Attachments = Attachments(e, http),
    };

    /// <summary>An optional <c>attachments</c> array; empty when absent.</summary>
    public static IReadOnlyList<Attachment> Attachments(JsonElement e, string? http) =>
        e.TryGetProperty("attachments", out var array) && array.ValueKind == JsonValueKind.Array
            ? [.. array.EnumerateArray().Select(a => Attachment(a, http))]
            : [];

    /// <summary>One file: <c>{"id","name","size","type","width","height","url","thumb"}</c>, a picture's size and thumbnail only when it has them.</summary>
    public static Attachment Attachment(JsonElement e, string? http) => new(
        e.GetProperty("id").GetString()!,
        e.GetProperty("name").GetString()!,
        e.GetProperty("size").GetInt64(),
        OptionalString(e, "type") ?? "application/octet-stream",
        Int(e, "width"),
        Int(e, "height"),
        Link(e.GetProperty("url").GetString()!, http),
        OptionalString(e, "thumb") is { } thumb ? Link(thumb, http) : null);

    /// <summary>
    /// A link the server gave as a path, put after its HTTP address (<c>http://host:port</c>, maybe
    /// with a path of its own, so joined as text rather than resolved, which would drop that path).
    /// </summary>
    public static Uri Link(string path, string? http)
    {
        if (path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            return new Uri(path, UriKind.Absolute);
        return http is null ? new Uri(path, UriKind.Relative) : new Uri(http.TrimEnd('/') + path, UriKind.Absolute);
    }

    /// <summary>An optional array of names; empty when absent.</summary>
    public static IReadOnlyList<string> Names(JsonElement e, string name) =>
        e.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? [.. array.EnumerateArray().Select(n => n.GetString()!)] : [];

    /// <summary>A time as the server writes them (UTC, <c>2026-11-25T13:37:11.302Z</c>).</summary>
    public static DateTimeOffset Time(string text) =>
        DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);

    public static SessionInfo Session(JsonElement e) => new(
        e.GetProperty("user").GetString()!,
        OptionalString(e, "token"),
        e.TryGetProperty("rooms", out var rooms)
            ? rooms.EnumerateArray().Select(r => new ConversationSummary(Target.InRoom(r.GetProperty("name").GetString()!),
                OptionalString(r, "topic"), r.GetProperty("members").GetInt32(), Long(r, "lastSeq"), Long(r, "unread"), OptionalTime(r, "lastTs"), Flag(r, "large"))).ToList()
            : [],
        e.TryGetProperty("dms", out var dms)
            ? dms.EnumerateArray().Select(d => new ConversationSummary(Target.With(d.GetProperty("with").GetString()!),
                null, 2, Long(d, "lastSeq"), Long(d, "unread"), OptionalTime(d, "lastTs"))).ToList()
            : [],
        e.TryGetProperty("limits", out var limits) ? Limits(limits) : ServerLimits.Defaults)
    {
        Blocked = e.TryGetProperty("blocked", out var blocked) ? [.. blocked.EnumerateArray().Select(b => b.GetString()!)] : [],
        HttpAddress = OptionalString(e, "http") is { } http && Uri.TryCreate(http, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null,
    };

    private static ServerLimits Limits(JsonElement e)
    {
        var defaults = ServerLimits.Defaults;
        return new ServerLimits(
            Int(e, "maxTextChars") ?? defaults.MaxTextChars,
            Int(e, "maxTopicChars") ?? defaults.MaxTopicChars,
            Int(e, "maxLineBytes") ?? defaults.MaxLineBytes,
            Int(e, "historyMax") ?? defaults.HistoryMax,
            Int(e, "membersPageMax") ?? defaults.MembersPageMax,
            Int(e, "maxWatchedUsers") ?? defaults.MaxWatchedUsers,
            Int(e, "maxAttachments") ?? defaults.MaxAttachments,
            e.TryGetProperty("maxUploadBytes", out var upload) && upload.ValueKind == JsonValueKind.Number && upload.TryGetInt64(out var bytes) ? bytes : defaults.MaxUploadBytes);
    }

    /// <summary>A flag the server writes only when true.</summary>
    public static bool Flag(JsonElement e, string name) => e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    public static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;

    /// <summary>A reply's page of members; from a server older than paging (no counts), the whole list as one page.</summary>
    public static MemberPage Members(JsonElement e)
    {
        var members = MemberList(e.GetProperty("members"));
        return new MemberPage(members, Int(e, "total") ?? members.Count, Int(e, "online") ?? members.Count(m => m.Online), OptionalString(e, "next"), Flag(e, "large"));
    }

    /// <summary>A <c>watch</c> request's list.</summary>
    public static void WriteUsers(Utf8JsonWriter w, IEnumerable<string> users)
    {
        w.WriteStartArray("users");
        foreach (var user in users)
            w.WriteStringValue(user);
        w.WriteEndArray();
    }

    /// <summary><c>[{"user":…,"online":…}, …]</c>.</summary>
    public static IReadOnlyList<Member> MemberList(JsonElement array) =>
        array.EnumerateArray().Select(m => new Member(m.GetProperty("user").GetString()!, m.GetProperty("online").GetBoolean())).ToList();

    public static string? OptionalString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? OptionalTime(JsonElement e, string name) =>
        OptionalString(e, name) is { } text ? DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : null;

    public static long Long(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;
}
