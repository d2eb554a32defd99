using System.Globalization;
using Parley.Core.Model;
using Parley.Core.Storage;
using StackExchange.Redis;

namespace Parley.Storage.Redis;

public sealed partial class RedisChatStore
{

    public Task<StoredMessage> AppendAsync(NewMessage message) => AppendAndPublishAsync(message, null);

    /// <summary>
    /// <see cref="AppendAsync"/>, and when <paramref name="publication"/> is given, the same Lua script
    /// also PUBLISHes the stored message (JSON, docs/redis.md) on its channel. Redis runs scripts one at
    /// a time, so on each channel subscribers receive a conversation's messages in seq order, from every
    /// process sharing this Redis. The command is written before this returns, as for AppendAsync.
    /// </summary>
    public async Task<StoredMessage> AppendAndPublishAsync(NewMessage message, MessagePublication? publication)
    {
        ArgumentNullException.ThrowIfNull(message);
        var conversation = message.Conversation;
        RedisKey[] keys = message.To is null
            ? [Keys.LastSeq(conversation), Keys.History(conversation), Keys.Revised(conversation)]
            : [Keys.LastSeq(conversation), Keys.History(conversation), Keys.Revised(conversation), Keys.Directs(Names.Key(message.From)), Keys.Directs(Names.Key(message.To))];
        RedisValue[] values =
        [
            conversation, message.Id, message.Timestamp.ToUnixTimeMilliseconds(), message.From,
            message.Room ?? "", message.To ?? "", message.Text,
            publication is null ? RedisValue.EmptyString : (RedisValue)(byte[])publication.Channel!,
            publication?.Node ?? "", publication?.Session ?? "", message.Live?.ClientTags ?? "", message.Live?.Notice == true ? "1" : "", message.Live?.Bot == true ? "1" : "",
            message.IsSystem ? "1" : "",
            message.ReplyTo is { } replyTo ? replyTo : RedisValue.EmptyString, StoredMentions.Encode(message.Mentions, message.MentionsAll) ?? "",
            StoredAttachments.Encode(message.Attachments) ?? "",
        ];
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var stored = (RedisResult[])(await Script(RedisScripts.Append, keys, values).ConfigureAwait(false))!;
        _metrics?.StoreCommitted(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        // The script may have raised the ts to the conversation's latest (a clock stepped back).
        return message.WithSeq((long)stored[0]) with { Timestamp = DateTimeOffset.FromUnixTimeMilliseconds((long)stored[1]) };
    }

    public Task<HistoryPage> HistoryAsync(string conversation, long? beforeSeq, int limit)
    {
        limit = Math.Max(limit, 0);
        if (beforeSeq <= 1)
            return Task.FromResult(new HistoryPage([], false));
        // XREVRANGE history (0-<before> - COUNT limit+1: "(" makes the bound exclusive (Redis 6.2+).
        RedisValue newest = beforeSeq is { } before ? "(0-" + before.ToString(CultureInfo.InvariantCulture) : "+";
        return Call(async db =>
        {
            var removed = db.HashGetAllAsync(Keys.Revised(conversation));
            var entries = await db.StreamRangeAsync(Keys.History(conversation), "-", newest, limit + 1, Order.Descending).ConfigureAwait(false);
            // Tombstones between the entry past the page (if any) and the bound go in where their entries were.
            var low = entries.Length > limit ? SeqOf(entries[limit]) : 0;
            var high = beforeSeq ?? long.MaxValue;
            return Page(conversation, entries, await removed.ConfigureAwait(false), low, high, limit, descending: true);
        });
    }

    public Task<HistoryPage> HistoryAfterAsync(string conversation, long afterSeq, int limit)
    {
        limit = Math.Max(limit, 0);
        // XRANGE history (0-<after> + COUNT limit+1: "(" makes the bound exclusive (Redis 6.2+).
        RedisValue oldest = afterSeq < 1 ? "-" : "(0-" + afterSeq.ToString(CultureInfo.InvariantCulture);
        return Call(async db =>
        {
            var removed = db.HashGetAllAsync(Keys.Revised(conversation));
            var entries = await db.StreamRangeAsync(Keys.History(conversation), oldest, "+", limit + 1, Order.Ascending).ConfigureAwait(false);
            var high = entries.Length > limit ? SeqOf(entries[limit]) : long.MaxValue;
            return Page(conversation, entries, await removed.ConfigureAwait(false), afterSeq, high, limit, descending: false);
        });
    }

    public Task SetReadAsync(string userKey, string conversation, long seq) =>
        Script(RedisScripts.SetRead, [Keys.Reads(userKey), Keys.LastSeq(conversation)], [conversation, seq]);

    public async Task<ReadMark> MarkReadAtAsync(string userKey, string conversation, DateTimeOffset time) =>
        ToReadMark(await Script(RedisScripts.MarkReadAt,
            [Keys.Reads(userKey), Keys.ReadTimes(userKey), Keys.LastSeq(conversation), Keys.History(conversation)],
            [conversation, time.ToUnixTimeMilliseconds()]).ConfigureAwait(false));

    public async Task<ReadMark> ReadMarkAsync(string userKey, string conversation) =>
        ToReadMark(await Script(RedisScripts.GetReadMark,
            [Keys.Reads(userKey), Keys.ReadTimes(userKey), Keys.History(conversation)], [conversation]).ConfigureAwait(false));

    private static ReadMark ToReadMark(RedisResult result)
    {
        var values = (long[])result!;
        return new ReadMark(values[0], values[1] > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(values[1]) : null);
    }

    public Task<IReadOnlyList<ConversationState>> ConversationsAsync(string userKey) =>
        Call<IReadOnlyList<ConversationState>>(async db =>
        {
            var roomsTask = db.SetMembersAsync(Keys.UserRooms(userKey));
            var directsTask = db.HashGetAllAsync(Keys.Directs(userKey));
            var rooms = (await roomsTask.ConfigureAwait(false))
                .Select(room => (Conversation: ConversationKey.ForRoom((string)room!), Peer: (string?)null))
                .OrderBy(c => c.Conversation, StringComparer.Ordinal);
            var directs = (await directsTask.ConfigureAwait(false))
                .Select(direct => (Conversation: (string)direct.Name!, Peer: (string?)direct.Value))
                .OrderBy(c => c.Conversation, StringComparer.Ordinal);
            var conversations = rooms.Concat(directs).ToList();
            if (conversations.Count == 0)
                return [];

            var keys = new List<RedisKey>(1 + 3 * conversations.Count) { Keys.Reads(userKey) };
            var values = new List<RedisValue>(2 + conversations.Count) { userKey, IChatStore.UnreadExactWithin };
            foreach (var (conversation, _) in conversations)
            {
                keys.Add(Keys.LastSeq(conversation));
                keys.Add(Keys.History(conversation));
                keys.Add(Keys.Revised(conversation));
                values.Add(conversation);
            }
            var counts = (long[])(await db.ScriptEvaluateAsync(RedisScripts.Conversations, [.. keys], [.. values], ScriptFlags).ConfigureAwait(false))!;
            return conversations
                .Select((c, i) => new ConversationState(c.Conversation, c.Peer, counts[5 * i], counts[5 * i + 1], counts[5 * i + 2],
                    counts[5 * i + 3] > 0 ? ToTime(counts[5 * i + 3]) : null) { Mentioned = counts[5 * i + 4] })
                .ToList();
        });

    private static long SeqOf(StreamEntry entry)
    {
        var id = (string)entry.Id!;
        return long.Parse(id.AsSpan(id.IndexOf('-') + 1), CultureInfo.InvariantCulture);
    }

    private static StoredMessage ToMessage(string conversation, StreamEntry entry) =>
        ToMessage(conversation, SeqOf(entry), entry.Values.Select(v => ((string)v.Name!, (string?)v.Value)));

    private static StoredMessage ToMessage(string conversation, long seq, IEnumerable<(string Name, string? Value)> fields)
    {
        string? id = null, ts = null, from = null, room = null, to = null, text = null, system = null;
        string? replyTo = null, mentions = null, rev = null, edited = null, recalled = null, reactions = null, files = null;
        foreach (var (name, value) in fields)
        {
            switch (name)
            {
                case "id": id = value; break;
                case "ts": ts = value; break;
                case "from": from = value; break;
                case "room": room = value; break;
                case "to": to = value; break;
                case "text": text = value; break;
                case "system": system = value; break;
                case "replyTo": replyTo = value; break;
                case "mentions": mentions = value; break;
                case "rev": rev = value; break;
                case "edited": edited = value; break;
                case "recalled": recalled = value; break;
                case "reactions": reactions = value; break;
                case "files": files = value; break;
            }
        }
        var (names, all) = StoredMentions.Decode(mentions);
        return new StoredMessage(id!, conversation, seq, ToTime(long.Parse(ts!, CultureInfo.InvariantCulture)), from!, room, to, text!)
        {
            IsSystem = system == "1",
            ReplyTo = replyTo is null ? null : long.Parse(replyTo, CultureInfo.InvariantCulture),
            Mentions = names,
            MentionsAll = all,
            Attachments = StoredAttachments.Decode(files),
            State = rev is null ? null : new MessageState(long.Parse(rev, CultureInfo.InvariantCulture),
                string.IsNullOrEmpty(edited) ? null : ToTime(long.Parse(edited, CultureInfo.InvariantCulture)),
                string.IsNullOrEmpty(recalled) ? null : recalled, StoredReactions.Decode(reactions)),
        };
    }
}
