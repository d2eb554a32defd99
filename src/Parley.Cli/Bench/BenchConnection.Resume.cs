using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Parley.Cli.Bench;

/// <summary>
/// bigroom --restart, native only: the token kept from signing in, resuming on a new socket after
/// the server came back, and catching up on the room's history (observers) or on which unanswered
/// sends were stored (senders). Plain async code with strings, as setup: it runs once per
/// connection, and the receive loop is started again only afterwards.
/// </summary>
public sealed partial class BenchConnection
{
    /// <summary>The token of the register or login reply (native, ws).</summary>
    public string? Token { get; private set; }

    /// <summary>Observers: the highest room seq seen, and the highest taken from history after a restart (a live copy of one up to it is dropped).</summary>
    public long LastRoomSeq { get; private set; }

    public long CaughtUpTo { get; private set; }

    /// <summary>The receive loop running on the current socket.</summary>
    public Task? Loop { get; private set; }

    public Task StartReceiving(CancellationToken stop) => Loop = _tls is null ? ReceiveLoopAsync(stop) : DrainTlsAsync(stop);

    private static string? TokenOf(string reply)
    {
        const string field = "\"token\":\"";
        var at = reply.IndexOf(field, StringComparison.Ordinal);
        if (at < 0)
            return null;
        at += field.Length;
        var end = reply.IndexOf('"', at);
        return end < 0 ? null : reply[at..end];
    }

    /// <summary>Closes the old socket (the server closed its end already) and waits for its receive loop to end.</summary>
    public async Task CloseForRestartAsync()
    {
        _disposed = true;
        Closed = true;
        Socket.Dispose();
        if (Loop is { } loop)
            await loop.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes a newly connected socket and resumes the session with the token. Events that arrive
    /// before the reply go to <paramref name="events"/> when given. The connection stays
    /// <see cref="Closed"/> (senders skip it) until <see cref="Reopen"/>.
    /// </summary>
    public async Task ResumeAsync(Socket socket, List<string>? events, CancellationToken cancellationToken)
    {
        if (Token is null)
            throw new BenchSetupException($"{User} has no token to resume with");
        Socket = socket;
        _carry = [];
        _carryLength = 0;
        _skipping = false;
        _disposed = false;
        var reply = await RequestAsync($"{{\"type\":\"resume\",\"token\":\"{Token}\"", cancellationToken, events).ConfigureAwait(false);
        if (ErrorCode(reply) is not null)
            throw new BenchSetupException($"{User}: resume failed: {reply}");
    }

    /// <summary>Lets senders use the connection again and the receive loop take what comes.</summary>
    public void Reopen() => Closed = false;

    /// <summary>
    /// Observers: fetches the room's messages after <see cref="LastRoomSeq"/> from history (newest
    /// first, paging back with <c>before</c>), merges them with the live events read meanwhile (one
    /// per seq) and counts them in seq order into <paramref name="phase"/>. Returns the messages
    /// taken from history and the requests made.
    /// </summary>
    public async Task<(int Fetched, int Requests)> CatchUpAsync(List<string> events, Phase phase, CancellationToken cancellationToken)
    {
        var from = LastRoomSeq;
        var found = new SortedDictionary<long, (int Sender, long Seq, long Ticks)>();
        var requests = 0;
        long? before = null;
        while (true)
        {
            var page = await HistoryPageAsync(before, events, cancellationToken).ConfigureAwait(false);
            requests++;
            foreach (var m in page.Messages)
            {
                if (m.RoomSeq > from)
                    found[m.RoomSeq] = (m.Sender, m.Seq, m.Ticks);
            }
            if (!page.More || page.Lowest <= from + 1)
                break;
            before = page.Lowest;
        }
        var fetched = found.Count;
        var horizon = found.Count > 0 ? found.Keys.Max() : from;
        TakeBufferedLines(events);
        foreach (var e in events)
        {
            var bytes = Encoding.UTF8.GetBytes(e);
            if (!e.StartsWith("{\"type\":\"message\"", StringComparison.Ordinal) || !Payload.TryRead(bytes, out var sender, out var seq, out var ticks))
                continue;
            var roomSeq = RoomSeqOf(bytes);
            if (roomSeq > from)
                found.TryAdd(roomSeq, (sender, seq, ticks));
        }
        var now = Stopwatch.GetTimestamp();
        var stats = phase.Local;
        foreach (var (roomSeq, m) in found)
            Count(m.Sender, m.Seq, m.Ticks, roomSeq, now, phase, stats);
        CaughtUpTo = horizon;
        return (fetched, requests);
    }

    /// <summary>
    /// Senders: the highest of their own messages after <paramref name="answered"/> that the room's
    /// history holds (sent before the stop, stored, but answered no more), or <paramref name="answered"/>.
    /// Pages back until a message of this sender at or below it.
    /// </summary>
    public async Task<long> HighestStoredAsync(int number, long answered, long sent, CancellationToken cancellationToken)
    {
        if (sent <= answered)
            return answered;
        var highest = answered;
        long? before = null;
        while (true)
        {
            var page = await HistoryPageAsync(before, null, cancellationToken).ConfigureAwait(false);
            var reachedAnswered = false;
            foreach (var m in page.Messages)
            {
                if (m.Sender != number)
                    continue;
                if (m.Seq > answered && m.Seq <= sent)
                    highest = Math.Max(highest, m.Seq);
                if (m.Seq <= answered)
                    reachedAnswered = true;
            }
            if (reachedAnswered || !page.More)
                return highest;
            before = page.Lowest;
        }
    }

    private sealed record HistoryMessage(long RoomSeq, int Sender, long Seq, long Ticks);

    private sealed record HistoryPage(List<HistoryMessage> Messages, long Lowest, bool More);

    private async Task<HistoryPage> HistoryPageAsync(long? before, List<string>? events, CancellationToken cancellationToken)
    {
        var request = $"{{\"type\":\"history\",\"room\":\"{Room}\",\"limit\":200{(before is { } b ? $",\"before\":{b}" : "")}";
        var reply = await RequestAsync(request, cancellationToken, events).ConfigureAwait(false);
        if (ErrorCode(reply) is not null)
            throw new BenchSetupException($"{User}: history failed: {reply}");
        using var document = JsonDocument.Parse(reply);
        var messages = new List<HistoryMessage>();
        var lowest = long.MaxValue;
        foreach (var m in document.RootElement.GetProperty("messages").EnumerateArray())
        {
            var roomSeq = m.GetProperty("seq").GetInt64();
            lowest = Math.Min(lowest, roomSeq);
            if (m.TryGetProperty("text", out var text) && text.GetString() is { } t && Payload.TryRead(Encoding.UTF8.GetBytes(t), out var sender, out var seq, out var ticks))
                messages.Add(new HistoryMessage(roomSeq, sender, seq, ticks));
        }
        var more = document.RootElement.TryGetProperty("more", out var m2) && m2.ValueKind == JsonValueKind.True && lowest != long.MaxValue;
        return new HistoryPage(messages, lowest, more);
    }

    /// <summary>Moves the whole lines already read into <paramref name="events"/>, leaving a partial one for the receive loop.</summary>
    private void TakeBufferedLines(List<string> events)
    {
        while (true)
        {
            var data = _carry.AsSpan(0, _carryLength);
            var end = data.IndexOf((byte)'\n');
            if (end < 0)
                return;
            var line = data[..end];
            if (line.Length > 0 && line[^1] == '\r')
                line = line[..^1];
            events.Add(Encoding.UTF8.GetString(line));
            Consume(end + 1);
        }
    }
}
