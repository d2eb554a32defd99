using System.Text.Json;

namespace Parley.Cli.Soak;

/// <summary>Signing in: the first registration and room joins, and every resume after a loss.</summary>
public sealed partial class SoakClient
{
    private static readonly TimeSpan ReconnectPauseMax = TimeSpan.FromSeconds(2);

    // Conversations whose catch-up was cut short, with the seq it started from: history comes
    // newest first, so what was received already reaches the top and hides the hole below it.
    private readonly Dictionary<string, long> _catchUpFrom = [];

    /// <summary>Registers the account on a fresh connection and joins <paramref name="rooms"/>.</summary>
    public async Task RegisterAsync(IEnumerable<string> rooms, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        var reply = await RequestAsync(new() { ["type"] = "register", ["user"] = Name, ["password"] = SoakWorld.Password }, cancellationToken).ConfigureAwait(false);
        if (ErrorCode(reply) is { } code)
            throw new SoakSetupException($"{Name}: register answered {code}");
        Token = reply.GetProperty("token").GetString();
        MarkSignedIn();
        foreach (var room in reply.GetProperty("rooms").EnumerateArray())
            Rooms.Add(room.GetProperty("name").GetString()!);
        foreach (var room in rooms)
        {
            var joined = await RequestAsync(new() { ["type"] = "join", ["room"] = room }, cancellationToken).ConfigureAwait(false);
            if (ErrorCode(joined) is { } joinCode)
                throw new SoakSetupException($"{Name}: join {room} answered {joinCode}");
            Rooms.Add(joined.GetProperty("room").GetString()!);
        }
    }

    /// <summary>Creates the rooms (the auditor does, before anyone joins).</summary>
    public async Task CreateRoomsAsync(IEnumerable<string> rooms, CancellationToken cancellationToken)
    {
        foreach (var room in rooms)
        {
            var reply = await RequestAsync(new() { ["type"] = "create", ["room"] = room }, cancellationToken).ConfigureAwait(false);
            if (ErrorCode(reply) is { } code)
                throw new SoakSetupException($"{Name}: create {room} answered {code}");
            Rooms.Add(room);
        }
    }

    /// <summary>
    /// Connects again (to its node, or in a cluster maybe the other one), resumes with the token and
    /// catches up on every conversation; retries with a growing pause until signed in or cancelled.
    /// </summary>
    public async Task ReconnectAsync(CancellationToken cancellationToken)
    {
        var pause = TimeSpan.FromMilliseconds(50);
        Dictionary<string, long>? before = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!Pinned && _world.Nodes.Count > 1 && _random.Next(2) == 0)
                Volatile.Write(ref _node, (Node + 1) % _world.Nodes.Count);
            try
            {
                Drop(reset: false);
                // Where each conversation stood before the first attempt: events may come on a
                // connection before its resume reply, and what lies between must still be fetched.
                // Taken once: an attempt that failed after such events (its resume answered
                // `unavailable`, or its reply lost) must not move it up past the hole below them.
                before ??= CatchUpPoints();
                await OpenAsync(cancellationToken).ConfigureAwait(false);
                var reply = await RequestAsync(new() { ["type"] = "resume", ["token"] = Token }, cancellationToken).ConfigureAwait(false);
                switch (ErrorCode(reply))
                {
                    case null:
                        MarkSignedIn();
                        _world.Ledger.CountReconnection();
                        try
                        {
                            await CatchUpAllAsync(reply, before, cancellationToken).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            // Not caught up: counted as not connected, so that settling at the end connects again and finishes.
                            Drop(reset: false);
                            throw;
                        }
                        return;
                    case "unavailable":
                        _world.Ledger.CountError("unavailable");
                        break;
                    case var code:
                        _world.Ledger.CountError(code);
                        _world.Ledger.Violation($"{Name}: resume answered {code}");
                        break;
                }
            }
            catch (Exception ex) when (IsConnectionFailure(ex))
            {
            }
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, ReconnectPauseMax.TotalMilliseconds));
        }
    }

    /// <summary>The highest seq received in each conversation, lowered to where a catch-up cut short started.</summary>
    private Dictionary<string, long> CatchUpPoints()
    {
        var points = Received.Snapshot();
        lock (_catchUpFrom)
        {
            foreach (var (key, since) in _catchUpFrom)
                points[key] = Math.Min(points.GetValueOrDefault(key), since);
        }
        return points;
    }

    /// <summary>From the resume reply's conversations, fetches what was said after the last message received in each before this connection.</summary>
    private async Task CatchUpAllAsync(JsonElement resumed, IReadOnlyDictionary<string, long> before, CancellationToken cancellationToken)
    {
        var due = new List<(Conversation Conversation, long Since)>();
        foreach (var room in resumed.GetProperty("rooms").EnumerateArray())
        {
            var conversation = Conversation.OfRoom(room.GetProperty("name").GetString()!);
            var since = before.GetValueOrDefault(conversation.Key);
            if (room.GetProperty("lastSeq").GetInt64() > since)
                due.Add((conversation, since));
        }
        foreach (var dm in resumed.GetProperty("dms").EnumerateArray())
        {
            var conversation = Conversation.Direct(Name, dm.GetProperty("with").GetString()!);
            Directs.TryAdd(conversation.Key, conversation);
            var since = before.GetValueOrDefault(conversation.Key);
            if (dm.GetProperty("lastSeq").GetInt64() > since)
                due.Add((conversation, since));
        }
        // All noted before the first: one cut short leaves those after it not started, and live
        // events on this connection would hide their holes as well.
        lock (_catchUpFrom)
        {
            foreach (var (conversation, since) in due)
                _catchUpFrom[conversation.Key] = Math.Min(_catchUpFrom.GetValueOrDefault(conversation.Key, since), since);
        }
        foreach (var (conversation, since) in due)
            await CatchUpAsync(conversation, since, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pages history back from the newest message to <paramref name="since"/>, recording each as caught up.</summary>
    private async Task CatchUpAsync(Conversation conversation, long since, CancellationToken cancellationToken)
    {
        await foreach (var message in HistoryAsync(conversation, since, cancellationToken).ConfigureAwait(false))
            OnMessage(message, live: false);
        lock (_catchUpFrom)
            _catchUpFrom.Remove(conversation.Key);
    }

    /// <summary>
    /// The conversation's messages with seq above <paramref name="above"/>, newest first, page by
    /// page; waits and asks again on `rate_limited` and `unavailable`.
    /// </summary>
    public async IAsyncEnumerable<JsonElement> HistoryAsync(Conversation conversation, long above, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long? before = null;
        var refusals = 0;
        while (true)
        {
            var request = new Dictionary<string, object?> { ["type"] = "history", ["limit"] = 200 };
            if (conversation.IsRoom)
                request["room"] = conversation.Room;
            else
                request["with"] = conversation.Peer(Name);
            if (before is { } b)
                request["before"] = b;
            var reply = await RequestAsync(request, cancellationToken).ConfigureAwait(false);
            if (ErrorCode(reply) is { } code)
            {
                _world.Ledger.CountError(code);
                if (code is not ("rate_limited" or "unavailable") || ++refusals > 120)
                {
                    _world.Ledger.Violation($"{Name}: history of {conversation} answered {code}");
                    yield break;
                }
                await Task.Delay(code == "rate_limited" ? 200 : 1000, cancellationToken).ConfigureAwait(false);
                continue;
            }
            var lowest = long.MaxValue;
            foreach (var message in reply.GetProperty("messages").EnumerateArray())
            {
                var seq = message.GetProperty("seq").GetInt64();
                lowest = Math.Min(lowest, seq);
                if (seq > above)
                    yield return message;
            }
            if (!reply.GetProperty("more").GetBoolean() || lowest == long.MaxValue || lowest <= above + 1)
                yield break;
            before = lowest;
        }
    }

    /// <summary>Who the connected node says is online (the `online` op); null when it cannot answer now.</summary>
    public async Task<HashSet<string>?> OnlineAsync(CancellationToken cancellationToken)
    {
        try
        {
            var reply = await RequestAsync(new() { ["type"] = "online" }, cancellationToken).ConfigureAwait(false);
            if (ErrorCode(reply) is not null)
                return null;
            return new HashSet<string>(reply.GetProperty("users").EnumerateArray().Select(u => u.GetString()!), StringComparer.OrdinalIgnoreCase);
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            return null;
        }
    }
}
