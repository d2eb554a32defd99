using System.Text.Json;
using Parley.Client.Model;

namespace Parley.Client;

public sealed partial class ParleyClient
{
    public Task<SessionInfo> RegisterAsync(string user, string password, CancellationToken cancellationToken = default) =>
        StartSessionAsync("register", w =>
        {
            w.WriteString("user", user);
            w.WriteString("password", password);
        }, cancellationToken);

    /// <summary>Registers on a server whose Registration is invite, with a code from its operator (<c>bad_invitation</c> otherwise).</summary>
    public Task<SessionInfo> RegisterAsync(string user, string password, string invite, CancellationToken cancellationToken = default) =>
        StartSessionAsync("register", w =>
        {
            w.WriteString("user", user);
            w.WriteString("password", password);
            w.WriteString("invite", invite);
        }, cancellationToken);

    public Task<SessionInfo> LoginAsync(string user, string password, CancellationToken cancellationToken = default) =>
        StartSessionAsync("login", w =>
        {
            w.WriteString("user", user);
            w.WriteString("password", password);
        }, cancellationToken);

    public Task<SessionInfo> ResumeAsync(string token, CancellationToken cancellationToken = default) =>
        StartSessionAsync("resume", w => w.WriteString("token", token), cancellationToken, token);

    private async Task<SessionInfo> StartSessionAsync(string type, Action<Utf8JsonWriter> fields, CancellationToken cancellationToken, string? knownToken = null)
    {
        var session = Frames.Session(await RequestAsync(type, fields, cancellationToken).ConfigureAwait(false));
        // Register and login hand out a token; resume reuses the one it was given.
        OnSessionStarted(session, session.Token ?? knownToken);
        return session;
    }

    public async Task LogoutAsync(CancellationToken cancellationToken = default)
    {
        await RequestAsync("logout", null, cancellationToken).ConfigureAwait(false);
        OnLoggedOut();
    }

    /// <summary>
    /// Signs the user out everywhere: every token of the user is revoked (on every node) and its
    /// other sessions are closed (bye <c>signed_out</c>); this connection is signed out and stays open.
    /// </summary>
    public async Task LogoutEverywhereAsync(CancellationToken cancellationToken = default)
    {
        await RequestAsync("logout", w => w.WriteBoolean("everywhere", true), cancellationToken).ConfigureAwait(false);
        OnLoggedOut();
    }

    public async Task<IReadOnlyList<RoomListing>> RoomsAsync(CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync("rooms", null, cancellationToken).ConfigureAwait(false);
        return reply.GetProperty("rooms").EnumerateArray()
            .Select(r => new RoomListing(r.GetProperty("name").GetString()!, r.GetProperty("topic").GetString()!,
                r.GetProperty("members").GetInt32(), r.GetProperty("joined").GetBoolean(), Frames.Flag(r, "large")))
            .ToList();
    }

    public Task<JoinedRoom> CreateAsync(string room, string? topic = null, CancellationToken cancellationToken = default)
    {
        if (topic is not null)
            CheckLength(topic, Limits.MaxTopicChars, ParleyException.TopicTooLongCode, "topics");
        return JoinLikeAsync("create", w =>
        {
            w.WriteString("room", room);
            if (topic is not null)
                w.WriteString("topic", topic);
        }, cancellationToken);
    }

    public Task<JoinedRoom> JoinAsync(string room, CancellationToken cancellationToken = default) =>
        JoinLikeAsync("join", w => w.WriteString("room", room), cancellationToken);

    private async Task<JoinedRoom> JoinLikeAsync(string type, Action<Utf8JsonWriter> fields, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(type, fields, cancellationToken).ConfigureAwait(false);
        var joined = new JoinedRoom(reply.GetProperty("room").GetString()!, reply.GetProperty("topic").GetString()!, Frames.Members(reply));
        // Learn where the room stands now, so a later reconnect replays only what comes after.
        await HistoryAsync(Target.InRoom(joined.Room), limit: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
        return joined;
    }

    public async Task<string> LeaveAsync(string room, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync("leave", w => w.WriteString("room", room), cancellationToken).ConfigureAwait(false);
        return reply.GetProperty("room").GetString()!;
    }

    public Task SetTopicAsync(string room, string topic, CancellationToken cancellationToken = default)
    {
        CheckLength(topic, Limits.MaxTopicChars, ParleyException.TopicTooLongCode, "topics");
        return RequestAsync("topic", w =>
        {
            w.WriteString("room", room);
            w.WriteString("topic", topic);
        }, cancellationToken);
    }

    /// <summary>
    /// Sends a message. A text longer than the server's <see cref="ServerLimits.MaxTextChars"/>
    /// is refused here, before it is sent (<c>text_too_long</c>, with the lengths in its message).
    /// </summary>
    public Task<SentMessage> SendAsync(Target target, string text, CancellationToken cancellationToken = default) =>
        SendAsync(target, text, replyTo: null, cancellationToken);

    /// <summary>
    /// Sends a message answering the message <paramref name="replyTo"/> (a seq of the same
    /// conversation; null: none). A text longer than the server's <see cref="ServerLimits.MaxTextChars"/>
    /// is refused here, before it is sent.
    /// </summary>
    public Task<SentMessage> SendAsync(Target target, string text, long? replyTo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendCoreAsync(target, text, attachments: null, replyTo, cancellationToken);
    }

    /// <param name="text">Null only for a message of files, which then has no caption.</param>
    private async Task<SentMessage> SendCoreAsync(Target target, string? text, IReadOnlyList<Attachment>? attachments, long? replyTo, CancellationToken cancellationToken)
    {
        if (text is not null)
            CheckLength(text, Limits.MaxTextChars, ParleyException.TextTooLongCode, "messages");
        var reply = await RequestAsync("send", w =>
        {
            Frames.WriteTarget(w, target, "to");
            if (text is not null)
                w.WriteString("text", text);
            if (attachments is not null)
            {
                w.WriteStartArray("attachments");
                foreach (var attachment in attachments)
                    w.WriteStringValue(attachment.Id);
                w.WriteEndArray();
            }
            if (replyTo is { } seq)
                w.WriteNumber("replyTo", seq);
        }, cancellationToken).ConfigureAwait(false);
        var message = reply.GetProperty("message");
        var sent = new SentMessage(message.GetProperty("id").GetString()!, message.GetProperty("seq").GetInt64(),
            DateTimeOffset.Parse(message.GetProperty("ts").GetString()!, System.Globalization.CultureInfo.InvariantCulture))
        {
            Mentions = Frames.Names(message, "mentions"),
            MentionsAll = Frames.Flag(message, "mentionsAll"),
            Attachments = Frames.Attachments(message, _httpBase),
        };
        Observe(target, sent.Seq);
        return sent;
    }

    /// <summary>
    /// A page of a room's members, online first: at most <paramref name="limit"/> (default and
    /// maximum the server's <see cref="ServerLimits.MembersPageMax"/>), after the page whose
    /// <see cref="MemberPage.Next"/> is <paramref name="after"/> (null: the first page). With a
    /// <paramref name="query"/>, only members whose name contains it, ignoring case (the counts too).
    /// </summary>
    public async Task<MemberPage> MembersPageAsync(string room, int? limit = null, string? after = null, string? query = null, CancellationToken cancellationToken = default) =>
        Frames.Members(await RequestAsync("members", w =>
        {
            w.WriteString("room", room);
            if (limit is { } l)
                w.WriteNumber("limit", l);
            if (after is not null)
                w.WriteString("after", after);
            if (!string.IsNullOrEmpty(query))
                w.WriteString("query", query);
        }, cancellationToken).ConfigureAwait(false));

    /// <summary>Every member of a room, page by page (<see cref="MembersPageAsync"/>): for a room of thousands, prefer a page.</summary>
    public async Task<IReadOnlyList<Member>> MembersAsync(string room, CancellationToken cancellationToken = default)
    {
        var all = new List<Member>();
        string? after = null;
        do
        {
            var page = await MembersPageAsync(room, after: after, cancellationToken: cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Members);
            after = page.Next;
        }
        while (after is not null);
        return all;
    }

    /// <summary>
    /// Makes <paramref name="users"/> this connection's whole watch list (at most the server's
    /// <see cref="ServerLimits.MaxWatchedUsers"/>; empty clears it): their <see
    /// cref="PresenceChanged"/> events come from now on, sharing a room or not. The list ends with
    /// the connection on the server; this client watches them again when it reconnects by itself
    /// (and reports each one's presence then). Returns each user with its presence now.
    /// </summary>
    public async Task<IReadOnlyList<Member>> WatchAsync(IEnumerable<string> users, CancellationToken cancellationToken = default)
    {
        string[] watched = [.. users];
        var reply = await RequestAsync("watch", w => Frames.WriteUsers(w, watched), cancellationToken).ConfigureAwait(false);
        lock (_state)
            _watched = watched;
        return Frames.MemberList(reply.GetProperty("users"));
    }

    public async Task<IReadOnlyList<string>> OnlineAsync(CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync("online", null, cancellationToken).ConfigureAwait(false);
        return reply.GetProperty("users").EnumerateArray().Select(u => u.GetString()!).ToList();
    }

    /// <summary>Messages before <paramref name="before"/> (newest when null), newest first.</summary>
    public async Task<HistoryPage> HistoryAsync(Target target, long? before = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var page = await HistoryOnAsync(_connection ?? throw ParleyException.ConnectionLost(), target, before, limit, cancellationToken).ConfigureAwait(false);
        if (page.Messages.Count > 0)
            Observe(target, page.Messages.Max(m => m.Seq));
        foreach (var message in page.Messages)
            NewerState(message);
        return page;
    }

    private async Task<HistoryPage> HistoryOnAsync(Transport.IFrameConnection connection, Target target, long? before, int? limit, CancellationToken cancellationToken)
    {
        var reply = await RequestOnAsync(connection, "history", w =>
        {
            Frames.WriteTarget(w, target, "with");
            if (before is not null)
                w.WriteNumber("before", before.Value);
            if (limit is not null)
                w.WriteNumber("limit", limit.Value);
        }, cancellationToken).ConfigureAwait(false);
        return new HistoryPage(reply.GetProperty("messages").EnumerateArray().Select(ReadMessage).ToList(), reply.GetProperty("more").GetBoolean(),
            reply.TryGetProperty("peerRead", out var peerRead) ? peerRead.GetInt64() : null);
    }

    public Task MarkReadAsync(Target target, long seq, CancellationToken cancellationToken = default) =>
        RequestAsync("read", w =>
        {
            Frames.WriteTarget(w, target, "with");
            w.WriteNumber("seq", seq);
        }, cancellationToken);

    /// <summary>Limits count characters as the server does: Unicode scalar values, so an emoji is one.</summary>
    private static void CheckLength(string text, int maxChars, string code, string what)
    {
        if (text.Length <= maxChars)
            return;
        var chars = text.EnumerateRunes().Count();
        if (chars > maxChars)
            throw ParleyException.TooLong(code, what, chars, maxChars);
    }

    public Task PingAsync(CancellationToken cancellationToken = default) => RequestAsync("ping", null, cancellationToken);
}
