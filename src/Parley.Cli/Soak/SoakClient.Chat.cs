using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Parley.Cli.Soak;

/// <summary>The client's life during the run: paced chat with bursts, and its role's misbehaviour.</summary>
public sealed partial class SoakClient
{
    /// <summary>How long an unanswered send waits before the client looks for it in history and, if absent, sends it again.</summary>
    private static readonly TimeSpan UnansweredAge = TimeSpan.FromSeconds(5);

    private const int FloodFrames = 150;

    private readonly List<Unanswered> _unanswered = [];
    private readonly Dictionary<string, long> _ownHighest = [];
    private long _sendNumber;
    private long _nextAntic;

    /// <summary>Chats until <paramref name="traffic"/> is cancelled, reconnecting after every loss.</summary>
    public async Task RunAsync(CancellationToken traffic)
    {
        ScheduleAntic();
        while (!traffic.IsCancellationRequested)
        {
            try
            {
                if (!Connected)
                    await ReconnectAsync(traffic).ConfigureAwait(false);
                await ResolveUnansweredAsync(UnansweredAge, traffic).ConfigureAwait(false);
                if (Role is SoakRole.Monitor or SoakRole.Auditor)
                {
                    await Task.Delay(500, traffic).ConfigureAwait(false);
                    continue;
                }
                await Task.Delay(NextPause(), traffic).ConfigureAwait(false);
                if (!Connected)
                    continue;
                if (Stopwatch.GetTimestamp() >= _nextAntic && Role is not SoakRole.Chatter and not SoakRole.SlowReader)
                {
                    await AnticAsync(traffic).ConfigureAwait(false);
                    ScheduleAntic();
                }
                else if (_random.NextDouble() < 0.1)
                {
                    await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => SendAsync(PickConversation(), NewText(), traffic))).ConfigureAwait(false);
                }
                else
                {
                    await SendAsync(PickConversation(), NewText(), traffic).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (traffic.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (IsConnectionFailure(ex))
            {
                // The next turn reconnects.
            }
        }
    }

    /// <summary>
    /// After the traffic stopped: connected, caught up, and every send whose outcome was unknown
    /// looked up in history (and sent again if absent) until each has an answer.
    /// </summary>
    public async Task SettleAsync(CancellationToken cancellationToken)
    {
        for (var round = 0; round < 20; round++)
        {
            try
            {
                if (!Connected)
                    await ReconnectAsync(cancellationToken).ConfigureAwait(false);
                lock (_unanswered)
                {
                    if (_unanswered.Count == 0)
                        return;
                }
                await ResolveUnansweredAsync(UnansweredAge, cancellationToken).ConfigureAwait(false);
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsConnectionFailure(ex))
            {
            }
        }
        _world.Ledger.Violation($"{Name}: sends without an answer even after the run ended");
    }

    /// <summary>One send, its answer recorded; a send with no certain outcome is kept to be looked up later.</summary>
    private async Task SendAsync(Conversation conversation, string text, CancellationToken cancellationToken)
    {
        long floor;
        lock (_ownHighest)
            floor = Math.Max(Received.Highest(conversation.Key), _ownHighest.GetValueOrDefault(conversation.Key));
        var request = new Dictionary<string, object?> { ["type"] = "send", ["text"] = text };
        if (conversation.IsRoom)
            request["room"] = conversation.Room;
        else
            request["to"] = conversation.Peer(Name);
        _world.Ledger.CountSent();
        var started = Stopwatch.GetTimestamp();
        JsonElement reply;
        try
        {
            // Not cancelled with the traffic: the answer of a send already written is still wanted.
            reply = await RequestAsync(request, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ConnectionLostException)
        {
            KeepUnanswered(conversation, text, floor);
            throw;
        }
        switch (ErrorCode(reply))
        {
            case null:
                var message = reply.GetProperty("message");
                var seq = message.GetProperty("seq").GetInt64();
                lock (_ownHighest)
                    _ownHighest[conversation.Key] = Math.Max(_ownHighest.GetValueOrDefault(conversation.Key), seq);
                if (!conversation.IsRoom)
                    Directs.TryAdd(conversation.Key, conversation);
                _world.Ledger.Ack(new AckedMessage(conversation.Key, seq, message.GetProperty("id").GetString()!, text, Name, Late: false),
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                break;
            case "rate_limited":
                // Not run, says the protocol: it must never show up in history.
                _world.Ledger.CountError("rate_limited");
                _world.Ledger.CountRefused();
                _world.Ledger.NeverStored[text] = conversation.Key;
                break;
            case var code:
                _world.Ledger.CountError(code);
                if (code != "unavailable" || !_world.Settings.Cluster)
                    _world.Ledger.Violation($"{Name}: send to {conversation} answered {code}");
                KeepUnanswered(conversation, text, floor);
                break;
        }
    }

    private void KeepUnanswered(Conversation conversation, string text, long floor)
    {
        _world.Ledger.Unanswered[text] = conversation.Key;
        lock (_unanswered)
            _unanswered.Add(new Unanswered(conversation, text, floor, Stopwatch.GetTimestamp()));
    }

    /// <summary>Each unanswered send older than <paramref name="minAge"/>: found in history, it counts as acknowledged late; absent, it is sent again, once.</summary>
    private async Task ResolveUnansweredAsync(TimeSpan minAge, CancellationToken cancellationToken)
    {
        List<Unanswered> due;
        lock (_unanswered)
        {
            due = [.. _unanswered.Where(u => Stopwatch.GetElapsedTime(u.At) >= minAge)];
            if (due.Count == 0)
                return;
            _unanswered.RemoveAll(due.Contains);
        }
        for (var i = 0; i < due.Count; i++)
        {
            var u = due[i];
            try
            {
                JsonElement? found = null;
                await foreach (var message in HistoryAsync(u.Conversation, u.Floor, cancellationToken).ConfigureAwait(false))
                {
                    if (message.TryGetProperty("text", out var text) && text.GetString() == u.Text && string.Equals(message.GetProperty("from").GetString(), Name, StringComparison.OrdinalIgnoreCase))
                    {
                        found = message;
                        break;
                    }
                }
                if (found is { } m)
                {
                    _world.Ledger.Ack(new AckedMessage(u.Conversation.Key, m.GetProperty("seq").GetInt64(), m.GetProperty("id").GetString()!, u.Text, Name, Late: true), null);
                }
                else
                {
                    _world.Ledger.CountResent();
                    await SendAsync(u.Conversation, u.Text, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (IsConnectionFailure(ex) || ex is OperationCanceledException)
            {
                // Not resolved: back on the list, with the ones not reached yet.
                lock (_unanswered)
                {
                    foreach (var rest in due.Skip(i))
                    {
                        if (!_unanswered.Any(x => x.Text == rest.Text))
                            _unanswered.Add(rest);
                    }
                }
                throw;
            }
        }
    }

    private Conversation PickConversation()
    {
        var r = _random.NextDouble();
        var others = Rooms.Where(x => !string.Equals(x, _world.DefaultRoom, StringComparison.OrdinalIgnoreCase)).ToList();
        if (r < 0.05 || others.Count == 0)
            return Conversation.OfRoom(_world.DefaultRoom);
        if (r < 0.25 && _world.Chatters.Count > 0)
            return Conversation.Direct(Name, _world.Chatters[_random.Next(_world.Chatters.Count)]);
        return Conversation.OfRoom(others[_random.Next(others.Count)]);
    }

    /// <summary>A text no other send of the run has: the sender, a number, and filler of varied length and script.</summary>
    private string NewText()
    {
        var n = Interlocked.Increment(ref _sendNumber);
        var text = new StringBuilder($"{Name} {n} ");
        var length = _random.Next(0, 160);
        for (var i = 0; i < length; i++)
        {
            text.Append(_random.Next(40) switch
            {
                0 => "é",
                1 => "😀",
                2 => "雨",
                < 8 => " ",
                _ => (char)('a' + _random.Next(26)),
            });
        }
        return text.ToString();
    }

    private TimeSpan NextPause()
    {
        // Exponential gaps around the mean: a Poisson process, as independent people chat.
        var mean = _world.Settings.SendInterval.TotalMilliseconds;
        return TimeSpan.FromMilliseconds(Math.Min(-Math.Log(1 - _random.NextDouble()) * mean, mean * 5));
    }

    private void ScheduleAntic() =>
        _nextAntic = Stopwatch.GetTimestamp() + (long)(_random.Next(8, 25) * (double)Stopwatch.Frequency);

    private sealed record Unanswered(Conversation Conversation, string Text, long Floor, long At);
}
