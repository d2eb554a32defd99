using System.Globalization;
using System.Text;
using Parley.Core.Model;

namespace Parley.Protocol.Irc;

/// <summary>
/// CHATHISTORY (IRCv3 draft/chathistory) over the stored history the native <c>history</c>
/// request reads: LATEST, BEFORE, AFTER, AROUND, BETWEEN by <c>timestamp=</c> or <c>msgid=</c>,
/// and TARGETS. Replies are the messages, oldest first, as the live PRIVMSGs (time and msgid
/// tags), in a <c>chathistory</c> batch for clients with batch. Bounds are exclusive.
/// </summary>
internal static partial class IrcCommands
{
    /// <summary>A selector that is neither a timestamp nor a msgid: the adapter's own, never the hub's.</summary>
    private const string BadReference = "irc_bad_reference";

    /// <summary>A point in a conversation: messages before it have seq &lt; Before, messages after it seq &gt; After.</summary>
    private readonly record struct HistoryPoint(long Before, long After);

    private static async Task ChatHistory(IrcSession s, IrcMessage m)
    {
        var sub = m.Params[0].ToUpperInvariant();
        if (sub == "TARGETS")
        {
            await ChatHistoryTargets(s, m).ConfigureAwait(false);
            return;
        }
        var refs = sub switch { "LATEST" or "BEFORE" or "AFTER" or "AROUND" => 1, "BETWEEN" => 2, _ => -1 };
        if (refs < 0)
        {
            s.FailReply("CHATHISTORY", "INVALID_PARAMS", m.Params[0], "Unknown subcommand");
            return;
        }
        if (m.Params.Count < 3 + refs)
        {
            s.FailReply("CHATHISTORY", "INVALID_PARAMS", sub, "Not enough parameters");
            return;
        }
        var target = m.Params[1];
        if (!int.TryParse(m.Params[2 + refs], NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1)
        {
            s.FailReply("CHATHISTORY", "INVALID_PARAMS", sub, m.Params[2 + refs], "The limit must be a positive number");
            return;
        }
        limit = Math.Min(limit, s.Hub.Limits.HistoryMax);
        var (room, with) = target.StartsWith('#') ? (target[1..], (string?)null) : ((string?)null, target);

        var points = new HistoryPoint[refs];
        for (var i = 0; i < refs; i++)
        {
            var selector = m.Params[2 + i];
            if (sub == "LATEST" && selector == "*")
            {
                points[i] = new HistoryPoint(long.MaxValue, 0);
                continue;
            }
            var point = await ResolvePointAsync(s, room, with, selector).ConfigureAwait(false);
            if (point.Error is { } error)
            {
                if (error.Code == BadReference)
                    s.FailReply("CHATHISTORY", "INVALID_PARAMS", sub, selector, error.Message);
                else
                    s.FailReply("CHATHISTORY", "INVALID_TARGET", sub, target, error.Message);
                return;
            }
            if (point.Value is not { } found)
            {
                // An unknown msgid: nothing to show around it.
                SendHistoryBatch(s, target, []);
                return;
            }
            points[i] = found;
        }

        var messages = await (sub switch
        {
            "LATEST" => NewestAsync(s, room, with, before: long.MaxValue, after: points[0].After, limit),
            "BEFORE" => NewestAsync(s, room, with, before: points[0].Before, after: 0, limit),
            "AFTER" => OldestAsync(s, room, with, after: points[0].After, before: long.MaxValue, limit),
            "AROUND" => AroundAsync(s, room, with, points[0], limit),
            _ => points[0].Before <= points[1].Before
                ? OldestAsync(s, room, with, after: points[0].After, before: points[1].Before, limit)
                : NewestAsync(s, room, with, before: points[0].Before, after: points[1].After, limit),
        }).ConfigureAwait(false);
        if (!messages.Ok)
        {
            s.FailReply("CHATHISTORY", "INVALID_TARGET", sub, target, messages.Error!.Message);
            return;
        }
        SendHistoryBatch(s, target, await WithReplyIdsAsync(s, room, with, messages.Value!.Where(ShownOnIrc).ToList()).ConfigureAwait(false));
    }

    /// <summary>
    /// <c>timestamp=</c> (ISO 8601, as the time tag) or <c>msgid=</c> to a point; a null value for
    /// an unknown msgid. An error <see cref="BadReference"/> is a malformed selector; others are the hub's
    /// (no such channel, not a member…).
    /// </summary>
    private static async Task<Result<HistoryPoint?>> ResolvePointAsync(IrcSession s, string? room, string? with, string selector)
    {
        if (selector.StartsWith("msgid=", StringComparison.Ordinal))
        {
            var found = await s.Hub.FindMessageAsync(s, room, with, selector["msgid=".Length..]).ConfigureAwait(false);
            if (!found.Ok)
                return found.Error!;
            return found.Value is { } message ? new HistoryPoint(message.Seq, message.Seq) : (HistoryPoint?)null;
        }
        if (TryTimestamp(selector, out var time))
        {
            // Stored times have millisecond precision: "after T" starts at the next millisecond.
            // A time at the end of the calendar is later than any message, and leaves room for that step.
            time = time > LatestTime ? LatestTime : time;
            var first = await s.Hub.SeqAtAsync(s, room, with, time).ConfigureAwait(false);
            if (!first.Ok)
                return first.Error!;
            var next = await s.Hub.SeqAtAsync(s, room, with, time.AddTicks(TimeSpan.TicksPerMillisecond - time.Ticks % TimeSpan.TicksPerMillisecond)).ConfigureAwait(false);
            return new HistoryPoint(first.Value, next.Value - 1);
        }
        return new ChatError(BadReference, "A message reference is timestamp=YYYY-MM-DDThh:mm:ss.sssZ or msgid=ID");
    }

    /// <summary>The newest messages with After &lt; seq &lt; Before, oldest first.</summary>
    private static async Task<Result<IReadOnlyList<StoredMessage>>> NewestAsync(IrcSession s, string? room, string? with, long before, long after, int limit)
    {
        var page = await s.Hub.HistoryAsync(s, room, with, before == long.MaxValue ? null : before, limit).ConfigureAwait(false);
        if (!page.Ok)
            return page.Error!;
        return page.Value!.Messages.Where(m => m.Seq > after).Reverse().ToList();
    }

    /// <summary>The oldest messages with After &lt; seq &lt; Before, oldest first.</summary>
    private static async Task<Result<IReadOnlyList<StoredMessage>>> OldestAsync(IrcSession s, string? room, string? with, long after, long before, int limit)
    {
        var page = await s.Hub.HistoryAfterAsync(s, room, with, after, limit).ConfigureAwait(false);
        if (!page.Ok)
            return page.Error!;
        return page.Value!.Messages.Where(m => m.Seq < before).ToList();
    }

    /// <summary>About half before the point, the rest from it on (a msgid's own message included).</summary>
    private static async Task<Result<IReadOnlyList<StoredMessage>>> AroundAsync(IrcSession s, string? room, string? with, HistoryPoint point, int limit)
    {
        var before = limit / 2 == 0
            ? new Result<IReadOnlyList<StoredMessage>>([], null)
            : await NewestAsync(s, room, with, point.Before, 0, limit / 2).ConfigureAwait(false);
        if (!before.Ok)
            return before;
        var after = await OldestAsync(s, room, with, point.Before - 1, long.MaxValue, limit - before.Value!.Count).ConfigureAwait(false);
        if (!after.Ok)
            return after;
        return before.Value!.Concat(after.Value!).ToList();
    }

    /// <summary>
    /// TARGETS from to limit: the channels the user is in with a message between the two times,
    /// as <c>CHATHISTORY TARGETS target time</c> lines, oldest latest message first. Direct
    /// conversations are not listed yet.
    /// </summary>
    private static async Task ChatHistoryTargets(IrcSession s, IrcMessage m)
    {
        if (m.Params.Count < 4
            || !TryTimestamp(m.Params[1], out var from) || !TryTimestamp(m.Params[2], out var to)
            || !int.TryParse(m.Params[3], NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1)
        {
            s.FailReply("CHATHISTORY", "INVALID_PARAMS", "TARGETS", "TARGETS timestamp=… timestamp=… limit");
            return;
        }
        if (from > to)
            (from, to) = (to, from);
        var found = new List<(string Target, DateTimeOffset Time)>();
        foreach (var room in JoinedRooms(s))
        {
            var newest = await s.Hub.HistoryAsync(s, room, null, null, 1).ConfigureAwait(false);
            if (newest.Value?.Messages is [var last] && last.Timestamp > from && last.Timestamp < to)
                found.Add((IrcServerInfo.Channel(room), last.Timestamp));
        }
        var lines = found.OrderBy(f => f.Time).Take(limit)
            .Select(f => new IrcMessage(s.Info.ServerName, "CHATHISTORY", "TARGETS", f.Target, "timestamp=" + Json.JsonWire.Timestamp(f.Time)).ToBytes());
        SendBatch(s, "draft/chathistory-targets", [], lines);
    }

    private static readonly DateTimeOffset LatestTime = DateTimeOffset.MaxValue.AddSeconds(-1);

    private static bool TryTimestamp(string selector, out DateTimeOffset time)
    {
        time = default;
        return selector.StartsWith("timestamp=", StringComparison.Ordinal)
            && DateTimeOffset.TryParse(selector["timestamp=".Length..], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }

    /// <summary>The messages (those shown on IRC, <see cref="ShownOnIrc"/>, only) in a chathistory batch.</summary>
    private static void SendHistoryBatch(IrcSession s, string target, IReadOnlyList<StoredMessage> messages) =>
        SendBatch(s, "chathistory", [target], messages.Select(m => IrcEventEncoder.Message(m, s.Info.Attachments)));

    /// <summary>
    /// One frame: the lines tagged with a new batch between its BATCH lines, or the lines alone
    /// for a client without batch. In a labeled command, the labeled-response batch holds it.
    /// </summary>
    private static void SendBatch(IrcSession s, string type, string[] parameters, IEnumerable<byte[]> frames)
    {
        if (!s.Caps.HasFlag(IrcCaps.Batch))
        {
            foreach (var frame in frames)
                s.Send(frame);
            return;
        }
        var id = s.NextBatchId();
        using var output = new MemoryStream();
        output.Write(new IrcMessage(s.Info.ServerName, "BATCH", ["+" + id, type, .. parameters]).ToBytes());
        foreach (var frame in frames)
            output.Write(IrcLabeledReplies.WithTag(frame, "batch=" + id));
        output.Write(new IrcMessage(s.Info.ServerName, "BATCH", "-" + id).ToBytes());
        s.Send(output.ToArray());
    }

    /// <summary><c>FAIL CHATHISTORY CODE context… :description</c> (IRCv3 standard replies).</summary>
}
