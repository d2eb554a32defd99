using Microsoft.Data.Sqlite;
using Parley.Core.Model;
using Parley.Core.Storage;

namespace Parley.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    private readonly Lock _sequenceGate = new();
    private readonly Dictionary<string, long> _lastSeq = new(StringComparer.Ordinal);
    // Each conversation's latest ts (Unix ms), numbered or stored: the floor of the next one's.
    private readonly Dictionary<string, long> _lastTs = new(StringComparer.Ordinal);

    private void LoadSequences(SqliteConnection connection)
    {
        // The ts of each conversation's last message: the last row's, or of a packed row the last
        // message packed in it (its ts column is the first one's). One index seek per conversation.
        using var command = Query(connection,
            """
            SELECT c.conv, c.last_seq, m.ts, m.packed
            FROM conversations c
            LEFT JOIN messages m ON m.rowid = (SELECT rowid FROM messages WHERE conv = c.conv ORDER BY seq DESC LIMIT 1)
            """);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var conversation = reader.GetString(0);
            _lastSeq[conversation] = reader.GetInt64(1);
            if (!reader.IsDBNull(3))
                _lastTs[conversation] = PackedMessages.Decode(conversation, (byte[])reader.GetValue(3))[^1].Timestamp.ToUnixTimeMilliseconds();
            else if (!reader.IsDBNull(2))
                _lastTs[conversation] = reader.GetInt64(2);
        }
    }

    public Task<StoredMessage> AppendAsync(NewMessage message)
    {
        // Numbering and queueing under one lock keeps seq order equal to commit order.
        lock (_sequenceGate)
        {
            var seq = _lastSeq.GetValueOrDefault(message.Conversation) + 1;
            _lastSeq[message.Conversation] = seq;
            NoteUnindexed();
            return Writer.Enqueue(new MessageAppend(this, message.WithSeq(seq) with { Timestamp = NextTimestamp(message) }));
        }
    }

    /// <summary>
    /// The message's ts, raised to its conversation's latest when the clock says earlier (it was
    /// stepped back, or a send stamped before an earlier one was numbered): within a conversation
    /// ts never decreases as seq increases (docs/protocol.md). Call under the numbering lock.
    /// </summary>
    private DateTimeOffset NextTimestamp(NewMessage message)
    {
        var stamped = message.Timestamp.ToUnixTimeMilliseconds();
        var last = _lastTs.GetValueOrDefault(message.Conversation, long.MinValue);
        _lastTs[message.Conversation] = Math.Max(stamped, last);
        return stamped >= last ? message.Timestamp : DateTimeOffset.FromUnixTimeMilliseconds(last);
    }

    /// <summary>Every send's write: one object that is also the task the sender awaits.</summary>
    private sealed class MessageAppend(SqliteChatStore store, StoredMessage message) : GroupCommitWriter.Write<StoredMessage>
    {
        // The conversation's last seq is raised when the writer settles the transaction.
        protected override bool Deferring => true;

        protected override StoredMessage Run(GroupCommitWriter writer)
        {
            store._appendStatements!.Run(message);
            if (message.To is not null)
            {
                const string direct = "INSERT OR IGNORE INTO directs (user_key, conv, peer) VALUES ($user, $conv, $peer)";
                SqliteChatStore.Run(writer, direct, ("$user", Names.Key(message.From)), ("$conv", message.Conversation), ("$peer", message.To));
                SqliteChatStore.Run(writer, direct, ("$user", Names.Key(message.To)), ("$conv", message.Conversation), ("$peer", message.From));
            }
            return message;
        }
    }

    public Task<HistoryPage> HistoryAsync(string conversation, long? beforeSeq, int limit)
    {
        var before = beforeSeq ?? long.MaxValue;
        using var connection = OpenReader();
        // Rows, not messages: a row may hold many, so the reader stops once it has enough.
        using var command = Query(connection,
            "SELECT id, seq, ts, sender, room, recipient, text, packed, system FROM messages WHERE conv = $conv AND seq < $before ORDER BY seq DESC",
            ("$conv", conversation), ("$before", before));
        using var reader = command.ExecuteReader();
        var messages = new List<StoredMessage>(limit);
        var more = false;
        while (!more && reader.Read())
        {
            foreach (var message in RowMessages(reader, conversation).AsEnumerable().Reverse())
            {
                if (message.Seq >= before)
                    continue;
                if (messages.Count == limit)
                {
                    more = true;
                    break;
                }
                messages.Add(message);
            }
        }
        return Task.FromResult(new HistoryPage(WithExtras((sql, parameters) => Query(connection, sql, parameters), conversation, messages), more));
    }

    public Task<HistoryPage> HistoryAfterAsync(string conversation, long afterSeq, int limit)
    {
        using var connection = OpenReader();
        // A packed row is keyed by its first message, which may be at or before afterSeq: the rows
        // read start at the last one that begins at or before afterSeq + 1, found on the
        // (conv, seq) key like the rest, so a page costs the same wherever it starts.
        using var command = Query(connection,
            """
            SELECT id, seq, ts, sender, room, recipient, text, packed, system FROM messages
            WHERE conv = $conv
              AND seq >= coalesce((SELECT seq FROM messages WHERE conv = $conv AND seq <= $after + 1 ORDER BY seq DESC LIMIT 1), 0)
            ORDER BY seq
            """,
            ("$conv", conversation), ("$after", afterSeq));
        using var reader = command.ExecuteReader();
        var messages = new List<StoredMessage>(Math.Max(limit, 0));
        var more = false;
        while (!more && reader.Read())
        {
            foreach (var message in RowMessages(reader, conversation))
            {
                if (message.Seq <= afterSeq)
                    continue;
                if (messages.Count == limit)
                {
                    more = true;
                    break;
                }
                messages.Add(message);
            }
        }
        return Task.FromResult(new HistoryPage(WithExtras((sql, parameters) => Query(connection, sql, parameters), conversation, messages), more));
    }

    /// <summary>The messages of the row under <paramref name="reader"/> (columns id, seq, ts, sender, room, recipient, text, packed, system), in seq order.</summary>
    /// <param name="offset">Where those columns start in the row (0 unless the query reads others first).</param>
    internal static List<StoredMessage> RowMessages(SqliteDataReader reader, string conversation, int offset = 0)
    {
        if (!reader.IsDBNull(offset + 7))
            return PackedMessages.Decode(conversation, (byte[])reader.GetValue(offset + 7));
        return [new StoredMessage(
            reader.GetString(offset), conversation, reader.GetInt64(offset + 1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(offset + 2)),
            reader.GetString(offset + 3), reader.IsDBNull(offset + 4) ? null : reader.GetString(offset + 4),
            reader.IsDBNull(offset + 5) ? null : reader.GetString(offset + 5),
            reader.GetString(offset + 6)) { IsSystem = !reader.IsDBNull(offset + 8) && reader.GetInt64(offset + 8) == 1 }];
    }

    public Task SetReadAsync(string userKey, string conversation, long seq) =>
        Writer.Enqueue(w => Run(w,
            """
            INSERT INTO reads (user_key, conv, seq)
            VALUES ($user, $conv, min($seq, coalesce((SELECT last_seq FROM conversations WHERE conv = $conv), 0)))
            ON CONFLICT (user_key, conv) DO UPDATE SET seq = max(seq, excluded.seq)
            """,
            ("$user", userKey), ("$conv", conversation), ("$seq", seq)));

    public Task<IReadOnlyList<ConversationState>> ConversationsAsync(string userKey)
    {
        const string sql = """
            WITH mine (conv, peer) AS (
                SELECT 'r:' || room_key, NULL FROM members WHERE user_key = $user
                UNION ALL
                SELECT conv, peer FROM directs WHERE user_key = $user
            )
            SELECT mine.conv, mine.peer, coalesce(c.last_seq, 0), coalesce(r.seq, 0)
            FROM mine
            LEFT JOIN conversations c ON c.conv = mine.conv
            LEFT JOIN reads r ON r.user_key = $user AND r.conv = mine.conv
            """;
        using var connection = OpenReader();
        using var command = Query(connection, sql, ("$user", userKey));
        using var reader = command.ExecuteReader();
        var states = new List<ConversationState>();
        while (reader.Read())
        {
            var (conversation, last, read) = (reader.GetString(0), reader.GetInt64(2), reader.GetInt64(3));
            states.Add(new ConversationState(conversation, reader.IsDBNull(1) ? null : reader.GetString(1),
                last, read, last > read ? Unread(connection, userKey, conversation, last, read) : 0,
                last > 0 ? LastTime(connection, conversation) : null)
            {
                Mentioned = last > read ? Mentioned(connection, userKey, conversation, read) : 0,
            });
        }
        return Task.FromResult<IReadOnlyList<ConversationState>>(states);
    }

    /// <summary>
    /// Unread messages from others that call the user by name or by <c>@all</c>, among the first
    /// <see cref="MentionedWithin"/> past the read position: <c>message_extras</c> rows only, on its
    /// key, and a sign-in costs the same however far behind the user is.
    /// </summary>
    private static long Mentioned(SqliteConnection connection, string userKey, string conversation, long read)
    {
        using var command = Query(connection,
            """
            SELECT count(*) FROM message_extras
            WHERE conv = $conv AND seq > $read AND seq <= $read + $window AND mentions IS NOT NULL AND sender <> $user
              AND (instr(' ' || lower(mentions) || ' ', ' ' || $user || ' ') > 0 OR substr(mentions, 1, 1) = '*')
            """,
            ("$conv", conversation), ("$read", read), ("$user", userKey), ("$window", MentionedWithin));
        return Convert.ToInt64(command.ExecuteScalar());
    }

    /// <summary>How far past the read position mentions are counted: the same window as the Redis store's unread.</summary>
    private const int MentionedWithin = IChatStore.UnreadExactWithin;

    /// <summary>When the conversation's latest message was stored: the last one of its newest row.</summary>
    private static DateTimeOffset? LastTime(SqliteConnection connection, string conversation)
    {
        using var command = Query(connection,
            "SELECT id, seq, ts, sender, room, recipient, text, packed, system FROM messages WHERE conv = $conv ORDER BY seq DESC LIMIT 1",
            ("$conv", conversation));
        using var reader = command.ExecuteReader();
        return reader.Read() ? RowMessages(reader, conversation)[^1].Timestamp : null;
    }

    /// <summary>
    /// Others' messages among the first <see cref="IChatStore.UnreadExactWithin"/> past the read
    /// position, and every one after those. The read position can fall inside a packed row, so
    /// the rows read start at the last one that begins at or before it.
    /// </summary>
    private static long Unread(SqliteConnection connection, string userKey, string conversation, long last, long read)
    {
        const int window = IChatStore.UnreadExactWithin;
        using var command = Query(connection,
            """
            SELECT id, seq, ts, sender, room, recipient, text, packed, system FROM messages
            WHERE conv = $conv
              AND seq >= coalesce((SELECT seq FROM messages WHERE conv = $conv AND seq <= $read ORDER BY seq DESC LIMIT 1), 0)
            ORDER BY seq
            """,
            ("$conv", conversation), ("$read", read));
        using var reader = command.ExecuteReader();
        var (seen, others) = (0, 0L);
        while (seen < window && reader.Read())
        {
            foreach (var message in RowMessages(reader, conversation))
            {
                if (message.Seq <= read || seen == window)
                    continue;
                seen++;
                if (Names.Key(message.From) != userKey)
                    others++;
            }
        }
        return Math.Max(0, last - read - window) + others;
    }
}
