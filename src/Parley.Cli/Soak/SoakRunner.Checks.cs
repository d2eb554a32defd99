using System.Globalization;
using System.Text.Json;

namespace Parley.Cli.Soak;

/// <summary>The end of the run: the whole history read back and held against what every client sent and received.</summary>
public sealed partial class SoakRunner
{
    /// <summary>How long the clients get, after the traffic stopped, to receive what is still on its way.</summary>
    private static readonly TimeSpan DeliveryDrain = TimeSpan.FromSeconds(20);

    /// <summary>After Redis came back, how long messages missed live still count as missed during its outage.</summary>
    private static readonly TimeSpan RedisFaultMargin = TimeSpan.FromSeconds(15);

    private sealed record StoredMessage(long Seq, string Id, string? Text, string From, DateTime Ts);

    private sealed record CheckFigures(long Lost, long Duplicated, long NeverStoredFound, long IrcStored, long Undelivered, long UndeliveredDuringRedisFaults, long Delivered, long SeqGaps);

    private async Task<CheckFigures> CheckAsync(CancellationToken stop)
    {
        Note("reading back every conversation's history");
        var history = await ReadAllHistoryAsync(stop).ConfigureAwait(false);
        long seqGaps = 0;
        var textCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (conversation, messages) in history)
        {
            for (var i = 1; i < messages.Count; i++)
            {
                if (messages[i].Seq <= messages[i - 1].Seq)
                    _ledger.Violation($"history of {conversation}: seq {messages[i].Seq} after {messages[i - 1].Seq}");
                else if (messages[i].Seq != messages[i - 1].Seq + 1)
                    seqGaps += messages[i].Seq - messages[i - 1].Seq - 1;
            }
            foreach (var m in messages)
            {
                if (m.Text is { } text)
                    textCounts[text] = textCounts.GetValueOrDefault(text) + 1;
            }
        }

        // Every acknowledged message: in history once, at its seq, with its id and text.
        long lost = 0;
        var acked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in _ledger.Acked)
        {
            if (!acked.Add(a.Text))
            {
                _ledger.Violation($"{a.Sender}: one text acknowledged twice ({a.Conversation} seq {a.Seq})");
                continue;
            }
            var stored = history.TryGetValue(a.Conversation, out var list) ? Find(list, a.Seq) : null;
            if (stored is null || stored.Id != a.Id || stored.Text != a.Text)
            {
                lost++;
                if (lost <= 20)
                    _ledger.Violation($"{a.Sender}: acknowledged {a.Conversation} seq {a.Seq} ({a.Id}) {(stored is null ? "is not in history" : $"is stored as {stored.Id} '{Shorten(stored.Text ?? "")}'")}");
            }
        }
        if (lost > 20)
            _ledger.Violation($"{lost} acknowledged messages lost or changed in all");

        // Nothing twice; nothing that was never sent whole, or refused, at all.
        long duplicated = 0, neverStoredFound = 0, ircStored = 0;
        foreach (var text in acked.Concat(_ledger.Unanswered.Keys).Distinct())
        {
            if (textCounts.GetValueOrDefault(text) > 1)
            {
                duplicated++;
                _ledger.Violation($"stored {textCounts[text]} times: '{Shorten(text)}'{(_ledger.Unanswered.ContainsKey(text) ? " (its first send was not answered; it was sent again)" : "")}");
            }
        }
        foreach (var text in _ledger.NeverStored.Keys)
        {
            if (textCounts.ContainsKey(text))
            {
                neverStoredFound++;
                _ledger.Violation($"stored, though cut off mid-frame or refused: '{Shorten(text)}'");
            }
        }
        foreach (var text in _ledger.IrcTexts.Keys)
        {
            var count = textCounts.GetValueOrDefault(text);
            ircStored += Math.Min(count, 1);
            if (count > 1)
            {
                duplicated++;
                _ledger.Violation($"an IRC message stored {count} times: '{Shorten(text)}'");
            }
        }

        var (undelivered, excused, delivered) = await DeliveryAsync(history, stop).ConfigureAwait(false);
        foreach (var client in _clients.Concat(_monitors).Append(_auditor!))
        {
            if (client.Received.LiveDuplicates > 0)
                _ledger.Violation($"{client.Name}: {client.Received.LiveDuplicates} messages received live twice");
            if (client.Received.OutOfOrder > 0)
                _ledger.Violation($"{client.Name}: {client.Received.OutOfOrder} messages received live out of seq order");
            if (client.Received.MismatchedIds > 0)
                _ledger.Violation($"{client.Name}: {client.Received.MismatchedIds} times two different messages with one seq");
        }
        Note($"checked: {_ledger.Acked.Count} acknowledged, {lost} lost, {duplicated} duplicated, {undelivered} undelivered (+{excused} during Redis faults), {delivered} deliveries");
        return new CheckFigures(lost, duplicated, neverStoredFound, ircStored, undelivered, excused, delivered, seqGaps);
    }

    /// <summary>
    /// Every native client must have received every message of its conversations but its own, live
    /// or by catch-up; waits for what is still on its way. Messages missed during a Redis fault
    /// (plus a margin) are counted apart: docs/protocol.md allows a missed live event then.
    /// </summary>
    private async Task<(long Undelivered, long Excused, long Delivered)> DeliveryAsync(Dictionary<string, List<StoredMessage>> history, CancellationToken stop)
    {
        var redisFaults = _faults.Where(f => f.Kind is "restart_redis" or "cut_redis")
            .Select(f => (From: DateTime.UtcNow.AddSeconds(f.StartSeconds - _ledger.Elapsed - 1), To: DateTime.UtcNow.AddSeconds(f.EndSeconds - _ledger.Elapsed).Add(RedisFaultMargin)))
            .ToList();
        var deadline = DateTime.UtcNow + DeliveryDrain;
        while (true)
        {
            long missing = 0, excused = 0, delivered = 0;
            var examples = new List<string>();
            foreach (var client in _clients.Concat(_monitors).Append(_auditor!))
            {
                var conversations = client.Rooms.Select(r => Conversation.OfRoom(r).Key).Concat(client.Directs.Keys).Distinct();
                foreach (var key in conversations)
                {
                    if (!history.TryGetValue(key, out var messages))
                        continue;
                    foreach (var m in messages)
                    {
                        if (string.Equals(m.From, client.Name, StringComparison.OrdinalIgnoreCase))
                            continue;
                        if (client.Received.Has(key, m.Seq, m.Id))
                        {
                            delivered++;
                        }
                        else if (redisFaults.Any(f => m.Ts >= f.From && m.Ts <= f.To))
                        {
                            excused++;
                        }
                        else
                        {
                            missing++;
                            if (examples.Count < 10)
                                examples.Add($"{client.Name} never received {key} seq {m.Seq} (from {m.From}, {m.Ts:HH:mm:ss.fff})");
                        }
                    }
                }
            }
            if (missing == 0 || DateTime.UtcNow > deadline)
            {
                foreach (var example in examples)
                    _ledger.Violation(example);
                if (missing > examples.Count)
                    _ledger.Violation($"{missing} deliveries missing in all");
                return (missing, excused, delivered);
            }
            await Task.Delay(1000, stop).ConfigureAwait(false);
        }
    }

    /// <summary>Each room's history through the auditor (a member of all), each direct conversation's through one of its two users.</summary>
    private async Task<Dictionary<string, List<StoredMessage>>> ReadAllHistoryAsync(CancellationToken stop)
    {
        var history = new Dictionary<string, List<StoredMessage>>();
        var auditor = _auditor!;
        foreach (var room in auditor.Rooms)
            history[Conversation.OfRoom(room).Key] = await ReadAsync(auditor, Conversation.OfRoom(room), stop).ConfigureAwait(false);
        var byName = _clients.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        var directs = _clients.SelectMany(c => c.Directs.Values).DistinctBy(c => c.Key).ToList();
        var read = await Task.WhenAll(directs.Select(async d =>
        {
            var reader = byName.GetValueOrDefault(d.UserA!) ?? byName[d.UserB!];
            return (d.Key, Messages: await ReadAsync(reader, d, stop).ConfigureAwait(false));
        })).ConfigureAwait(false);
        foreach (var (key, messages) in read)
            history[key] = messages;
        return history;
    }

    private async Task<List<StoredMessage>> ReadAsync(SoakClient reader, Conversation conversation, CancellationToken stop)
    {
        if (!reader.Connected)
            await reader.ReconnectAsync(stop).ConfigureAwait(false);
        var messages = new List<StoredMessage>();
        await foreach (var m in reader.HistoryAsync(conversation, 0, stop).ConfigureAwait(false))
            messages.Add(Stored(m));
        messages.Reverse();
        return messages;
    }

    private static StoredMessage Stored(JsonElement m) => new(
        m.GetProperty("seq").GetInt64(),
        m.GetProperty("id").GetString()!,
        m.TryGetProperty("text", out var text) ? text.GetString() : null,
        m.GetProperty("from").GetString()!,
        DateTime.Parse(m.GetProperty("ts").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));

    private static StoredMessage? Find(List<StoredMessage> messages, long seq)
    {
        var lo = 0;
        var hi = messages.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (messages[mid].Seq == seq)
                return messages[mid];
            if (messages[mid].Seq < seq)
                lo = mid + 1;
            else
                hi = mid - 1;
        }
        return null;
    }
}
