using Microsoft.Data.Sqlite;
using Parley.Core.Model;
using Parley.Core.Storage;

namespace Parley.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    private readonly Lock _sequenceGate = new();
    private readonly Dictionary<string, long> _lastSeq = new(StringComparer.Ordinal);

    private void LoadSequences(SqliteConnection connection)
    {
        using var command = Query(connection, "SELECT conv, last_seq FROM conversations");
        using var reader = command.ExecuteReader();
        while (reader.Read())
            _lastSeq[reader.GetString(0)] = reader.GetInt64(1);
    }

    public Task<StoredMessage> AppendAsync(NewMessage message)
    {
        // Numbering and queueing under one lock keeps seq order equal to commit order.
        lock (_sequenceGate)
        {
            var seq = _lastSeq.GetValueOrDefault(message.Conversation) + 1;
            _lastSeq[message.Conversation] = seq;
            return Writer.Enqueue(new MessageAppend(this, message.WithSeq(seq)));
        }
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
        using var connection = OpenReader();
        using var command = Query(connection,
            "SELECT id, seq, ts, sender, room, recipient, text FROM messages WHERE conv = $conv AND seq < $before ORDER BY seq DESC LIMIT $limit",
            ("$conv", conversation), ("$before", beforeSeq ?? long.MaxValue), ("$limit", limit + 1));
        using var reader = command.ExecuteReader();
        var messages = new List<StoredMessage>(limit);
        var more = false;
        while (reader.Read())
        {
            if (messages.Count == limit)
            {
                more = true;
                break;
            }
            messages.Add(new StoredMessage(
                reader.GetString(0), conversation, reader.GetInt64(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetString(6)));
        }
        return Task.FromResult(new HistoryPage(messages, more));
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
            SELECT mine.conv, mine.peer, coalesce(c.last_seq, 0), coalesce(r.seq, 0),
                   max(0, coalesce(c.last_seq, 0) - coalesce(r.seq, 0) - $window)
                   + (SELECT count(*) FROM (SELECT m.sender FROM messages m
                                             WHERE m.conv = mine.conv AND m.seq > coalesce(r.seq, 0)
                                             ORDER BY m.seq LIMIT $window)
                      WHERE lower(sender) <> $user)
            FROM mine
            LEFT JOIN conversations c ON c.conv = mine.conv
            LEFT JOIN reads r ON r.user_key = $user AND r.conv = mine.conv
            """;
        using var connection = OpenReader();
        using var command = Query(connection, sql, ("$user", userKey), ("$window", IChatStore.UnreadExactWithin));
        using var reader = command.ExecuteReader();
        var states = new List<ConversationState>();
        while (reader.Read())
        {
            states.Add(new ConversationState(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }
        return Task.FromResult<IReadOnlyList<ConversationState>>(states);
    }
}
