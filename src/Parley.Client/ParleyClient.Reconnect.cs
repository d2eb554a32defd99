using System.Text.Json;
using Parley.Client.Model;
using Parley.Client.Transport;

namespace Parley.Client;

public sealed partial class ParleyClient
{
    // Guards the fields below. Every message is emitted under it, so replayed and live messages
    // of a conversation leave in seq order and each seq leaves once.
    private readonly Lock _state = new();
    private readonly Dictionary<string, long> _lastSeen = new(StringComparer.Ordinal);
    private readonly List<ChatMessage> _held = [];
    private string? _token;

    /// <summary>The last watch list asked for (<see cref="WatchAsync"/>), asked again on a resumed connection.</summary>
    private string[] _watched = [];
    private bool _holding;
    private int _reconnecting;

    private void OnSessionStarted(SessionInfo session, string? token)
    {
        lock (_state)
        {
            User = session.User;
            Limits = session.Limits;
            SetHttpAddress(session.HttpAddress);
            if (token is not null)
                _token = token;
            // What the server had at sign-in is the horizon: a later reconnect replays only what comes after.
            foreach (var conversation in session.Rooms.Concat(session.Directs))
                ObserveLocked(conversation.Target.Key, conversation.LastSeq);
        }
    }

    private void OnLoggedOut()
    {
        lock (_state)
        {
            User = null;
            _token = null;
            _watched = [];
            _lastSeen.Clear();
            _lastRev.Clear();
            _messageRevs.Clear();
        }
    }

    private void Observe(Target target, long seq)
    {
        lock (_state)
            ObserveLocked(target.Key, seq);
    }

    private void ObserveLocked(string key, long seq)
    {
        if (seq > _lastSeen.GetValueOrDefault(key))
            _lastSeen[key] = seq;
    }

    private void OnEvent(JsonElement e)
    {
        var type = Frames.OptionalString(e, "type");
        switch (type)
        {
            case "message":
                OnMessage(ReadMessage(e));
                break;
            case "edit" or "recall" or "react":
                OnChange(type, e);
                break;
            case "join":
                Emit(new MemberJoined(e.GetProperty("room").GetString()!, e.GetProperty("user").GetString()!, Frames.OptionalString(e, "by")));
                break;
            case "leave":
                Emit(new MemberLeft(e.GetProperty("room").GetString()!, e.GetProperty("user").GetString()!, Frames.OptionalString(e, "reason"),
                    Frames.OptionalString(e, "by"), Frames.Flag(e, "ban")));
                break;
            // Servers before issue 30 sent a removal as "kick".
            case "kick":
                Emit(new MemberLeft(e.GetProperty("room").GetString()!, e.GetProperty("user").GetString()!, Frames.OptionalString(e, "reason"), Frames.OptionalString(e, "by")));
                break;
            case "room_changed":
                Emit(new RoomChanged(e.GetProperty("room").GetString()!, e.GetProperty("by").GetString()!,
                    e.GetProperty("changes").EnumerateArray().Select(c => new RoomChange(c.GetProperty("setting").GetString()!, Frames.Flag(c, "on"),
                        Frames.OptionalString(c, "value"), Frames.OptionalString(c, "role"),
                        Frames.OptionalString(c, "until") is { } until ? Frames.Time(until) : null)).ToList()));
                break;
            case "room_deleted":
                Emit(new RoomDeleted(e.GetProperty("room").GetString()!, e.GetProperty("by").GetString()!));
                break;
            case "presence":
                Emit(new PresenceChanged(e.GetProperty("user").GetString()!, e.GetProperty("online").GetBoolean(), Frames.OptionalString(e, "reason")));
                break;
            case "announcement":
                Emit(new Announcement(e.GetProperty("from").GetString()!, e.GetProperty("text").GetString()!));
                break;
            case "topic":
                Emit(new TopicChanged(e.GetProperty("room").GetString()!, e.GetProperty("topic").GetString()!, e.GetProperty("by").GetString()!));
                break;
            case "read":
                var target = Frames.OptionalString(e, "room") is { } room ? Target.InRoom(room) : Target.With(e.GetProperty("with").GetString()!);
                Emit(new ReadMoved(target, e.GetProperty("seq").GetInt64()));
                break;
            case "typing":
                OnTyping(e);
                break;
            case "receipt":
                Emit(new ReadReceipt(e.GetProperty("with").GetString()!, e.GetProperty("seq").GetInt64()));
                break;
            case "profile":
                Emit(new ProfileChanged(e.GetProperty("user").GetString()!, Frames.OptionalString(e, "display"), Frames.OptionalString(e, "status")));
                break;
            case "block":
                Emit(new BlockChanged(e.GetProperty("user").GetString()!, e.GetProperty("on").GetBoolean()));
                break;
            case "open":
                Emit(new DirectOpened(e.GetProperty("with").GetString()!));
                break;
            case "bye":
                Emit(new ServerBye(Frames.OptionalString(e, "reason") ?? ""));
                break;
            default:
                Emit(new UnknownFrame(e.GetRawText()));
                break;
        }
    }

    private void OnMessage(ChatMessage message)
    {
        lock (_state)
        {
            if (_holding)
                _held.Add(message);
            else
                EmitMessageLocked(message, replayed: false);
        }
    }

    private void EmitMessageLocked(ChatMessage message, bool replayed)
    {
        var key = message.ConversationFor(User ?? "").Key;
        if (message.Seq <= _lastSeen.GetValueOrDefault(key))
            return;
        _lastSeen[key] = message.Seq;
        if (message.Rev > 0)
        {
            _messageRevs[(key, message.Seq)] = message.Rev;
            if (message.Rev > _lastRev.GetValueOrDefault(key))
                _lastRev[key] = message.Rev;
        }
        Emit(new MessageReceived(message, replayed));
    }

    private async Task OnConnectionLostAsync(IFrameConnection connection, string reason)
    {
        if (Interlocked.CompareExchange(ref _connection, null, connection) != connection)
        {
            // Not the current connection (a reconnect attempt's): its attempt handles the failure.
            FailPending();
            return;
        }
        FailPending();
        await connection.DisposeAsync().ConfigureAwait(false);
        if (_disposed.IsCancellationRequested)
            return;
        string? token;
        lock (_state)
            token = _token;
        var willRetry = _options.AutoReconnect && token is not null;
        Emit(new ConnectionLost(reason, willRetry));
        if (willRetry && Interlocked.Exchange(ref _reconnecting, 1) == 0)
            _ = ReconnectAsync();
    }

    private async Task ReconnectAsync()
    {
        var delay = _options.ReconnectDelay;
        try
        {
            for (var attempt = 1; !_disposed.IsCancellationRequested; attempt++)
            {
                // Jitter keeps a crowd of clients from reconnecting in lockstep after a restart.
                await Task.Delay(delay * (0.5 + Random.Shared.NextDouble() / 2), _disposed.Token).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
                IFrameConnection? connection = null;
                try
                {
                    connection = await OpenAsync(_disposed.Token).ConfigureAwait(false);
                    lock (_state)
                        _holding = true;
                    var receiving = ReceiveAsync(connection);
                    string token;
                    lock (_state)
                        token = _token ?? throw new ParleyException("bad_token", "signed out");
                    var session = Frames.Session(await RequestOnAsync(connection, "resume", w => w.WriteString("token", token), _disposed.Token).ConfigureAwait(false));
                    Limits = session.Limits; // the server may have restarted with other settings
                    SetHttpAddress(session.HttpAddress);
                    Emit(new Reconnected(attempt));
                    await RewatchAsync(connection, session.Limits).ConfigureAwait(false);
                    await CatchUpAsync(connection, session).ConfigureAwait(false);
                    // From here a drop of the new connection starts a fresh reconnect by itself...
                    Interlocked.Exchange(ref _reconnecting, 0);
                    _connection = connection;
                    ReleaseHeld();
                    // ...unless it dropped just before it became current, unnoticed: then go round again.
                    if (receiving.IsCompleted && Interlocked.CompareExchange(ref _connection, null, connection) == connection
                        && Interlocked.Exchange(ref _reconnecting, 1) == 0)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        continue;
                    }
                    return;
                }
                catch (ParleyException ex) when (ex.Code == "bad_token")
                {
                    if (connection is not null)
                        await connection.DisposeAsync().ConfigureAwait(false);
                    ReleaseHeld();
                    Emit(new ConnectionLost("the session has ended (signed out elsewhere?): log in again", WillRetry: false));
                    Interlocked.Exchange(ref _reconnecting, 0);
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    if (connection is not null)
                        await connection.DisposeAsync().ConfigureAwait(false);
                    lock (_state)
                        _holding = false;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed while waiting: nothing more to do.
            Interlocked.Exchange(ref _reconnecting, 0);
        }
    }

    /// <summary>
    /// A watch list ends with its connection: the resumed one watches the same users (as many as
    /// the server now allows), each reported as a presence change. A refusal (a server without
    /// <c>watch</c>) costs only their presence, never the reconnect.
    /// </summary>
    private async Task RewatchAsync(IFrameConnection connection, ServerLimits limits)
    {
        string[] watched;
        lock (_state)
            watched = _watched;
        if (watched.Length == 0)
            return;
        try
        {
            var reply = await RequestOnAsync(connection, "watch", w => Frames.WriteUsers(w, watched.Take(limits.MaxWatchedUsers)), _disposed.Token).ConfigureAwait(false);
            foreach (var member in Frames.MemberList(reply.GetProperty("users")))
                Emit(new PresenceChanged(member.User, member.Online));
        }
        catch (ParleyException ex) when (ex.Code is not (ParleyException.Disconnected or ParleyException.Timeout or ParleyException.Closed))
        {
        }
    }

    /// <summary>Fetches, per conversation, every message after the last one seen, and emits them oldest first.</summary>
    private async Task CatchUpAsync(IFrameConnection connection, SessionInfo session)
    {
        // Where each conversation stood at the drop: changes to those messages are asked for after the new ones.
        var before = new Dictionary<string, (Target, long)>(StringComparer.Ordinal);
        lock (_state)
        {
            foreach (var conversation in session.Rooms.Concat(session.Directs))
            {
                if (_lastSeen.TryGetValue(conversation.Target.Key, out var seq) && seq > 0)
                    before[conversation.Target.Key] = (conversation.Target, seq);
            }
        }
        // Changes first: the missed messages, emitted last, are what a reader waits for before typing on.
        await CatchUpChangesAsync(connection, before).ConfigureAwait(false);
        await CatchUpMessagesAsync(connection, session).ConfigureAwait(false);
    }

    private async Task CatchUpMessagesAsync(IFrameConnection connection, SessionInfo session)
    {
        foreach (var conversation in session.Rooms.Concat(session.Directs))
        {
            long seen;
            lock (_state)
            {
                // A room joined elsewhere meanwhile: its past is history, not missed messages.
                // A direct conversation new to us is all missed, so it is fetched from the start.
                if (!_lastSeen.TryGetValue(conversation.Target.Key, out seen) && conversation.Target.IsRoom)
                {
                    _lastSeen[conversation.Target.Key] = conversation.LastSeq;
                    continue;
                }
            }
            if (conversation.LastSeq <= seen)
                continue;
            var missed = new List<ChatMessage>();
            long? before = null;
            while (missed.Count < _options.MaxCatchUp)
            {
                var page = await CatchUpPageAsync(connection, conversation.Target, before).ConfigureAwait(false);
                missed.AddRange(page.Messages.Where(m => m.Seq > seen));
                if (!page.More || page.Messages.Count == 0 || page.Messages[^1].Seq <= seen + 1)
                    break;
                before = page.Messages[^1].Seq;
            }
            lock (_state)
            {
                foreach (var message in missed.OrderBy(m => m.Seq))
                    EmitMessageLocked(message, replayed: true);
            }
        }
    }

    /// <summary>One page of history; a catch-up of many conversations may meet the server's rate limit, so it waits and retries.</summary>
    private async Task<HistoryPage> CatchUpPageAsync(IFrameConnection connection, Target target, long? before)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await HistoryOnAsync(connection, target, before, 200, _disposed.Token).ConfigureAwait(false);
            }
            catch (ParleyException ex) when (ex.Code == "rate_limited" && attempt < 30)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Min(attempt, 8)), _disposed.Token).ConfigureAwait(false);
            }
        }
    }

    private void ReleaseHeld()
    {
        lock (_state)
        {
            _holding = false;
            foreach (var message in _held)
                EmitMessageLocked(message, replayed: false);
            _held.Clear();
        }
    }
}
