using Microsoft.Data.Sqlite;
using Parley.Core.Model;

namespace Parley.Storage.Sqlite;

/// <summary>Read positions by time (IRC's read-marker): <c>reads.ts</c> beside <c>reads.seq</c>.</summary>
public sealed partial class SqliteChatStore
{
    /// <summary>
    /// A command for SQL with its parameters: on a reader connection, or the writer's inside its
    /// transaction. Not disposed by the caller: the writer reuses its commands, a reader's go with
    /// its connection.
    /// </summary>
    private delegate SqliteCommand Commands(string sql, params (string Name, object? Value)[] parameters);

    public Task<ReadMark> MarkReadAtAsync(string userKey, string conversation, DateTimeOffset time) =>
        // In the writer, after the appends queued before it, so a message just stored counts.
        Writer.Enqueue(w =>
        {
            Commands commands = (sql, parameters) => Bound(w.Command(sql), parameters);
            var seq = LastSeqAtOrBefore(commands, conversation, time);
            Run(w,
                """
                INSERT INTO reads (user_key, conv, seq, ts) VALUES ($user, $conv, $seq, $ts)
                ON CONFLICT (user_key, conv) DO UPDATE SET seq = max(seq, excluded.seq), ts = max(coalesce(ts, excluded.ts), excluded.ts)
                """,
                ("$user", userKey), ("$conv", conversation), ("$seq", seq), ("$ts", time.ToUnixTimeMilliseconds()));
            return ReadMarkOf(commands, userKey, conversation);
        });

    public Task<ReadMark> ReadMarkAsync(string userKey, string conversation)
    {
        using var connection = OpenReader();
        return Task.FromResult(ReadMarkOf((sql, parameters) => Query(connection, sql, parameters), userKey, conversation));
    }

    private static SqliteCommand Bound(SqliteCommand command, (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static ReadMark ReadMarkOf(Commands commands, string userKey, string conversation)
    {
        var (seq, marked) = (0L, (DateTimeOffset?)null);
        var command = commands("SELECT seq, ts FROM reads WHERE user_key = $user AND conv = $conv", ("$user", userKey), ("$conv", conversation));
        using (var reader = command.ExecuteReader())
        {
            if (reader.Read())
            {
                seq = reader.GetInt64(0);
                marked = reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1));
            }
        }
        var read = seq > 0 ? MessageTime(commands, conversation, seq) : null;
        return new ReadMark(seq, Later(marked, read));
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    /// <summary>When message <paramref name="seq"/> was stored; it may sit inside a packed row that begins before it.</summary>
    private static DateTimeOffset? MessageTime(Commands commands, string conversation, long seq)
    {
        var command = commands(
            "SELECT id, seq, ts, sender, room, recipient, text, packed, system FROM messages WHERE conv = $conv AND seq <= $seq ORDER BY seq DESC LIMIT 1",
            ("$conv", conversation), ("$seq", seq));
        using var reader = command.ExecuteReader();
        return reader.Read() ? RowMessages(reader, conversation).LastOrDefault(m => m.Seq <= seq)?.Timestamp : null;
    }

    /// <summary>
    /// The last message stored at or before <paramref name="time"/>, 0 when none. A row's ts is its
    /// first message's, so the newest row starting at or before the time holds the answer. Times
    /// rise with seq, so a binary search over seq finds that row in about 20 seeks on the
    /// (conv, seq) key per million messages: there is no index on ts, and this runs in the writer,
    /// where a scan back to an old time would hold up every send.
    /// </summary>
    private static long LastSeqAtOrBefore(Commands commands, string conversation, DateTimeOffset time)
    {
        var ms = time.ToUnixTimeMilliseconds();
        long? best = null;
        var (lo, hi) = (1L, RowAtOrBefore(commands, conversation, long.MaxValue)?.Seq ?? 0);
        while (lo <= hi)
        {
            var mid = lo + (hi - lo) / 2;
            if (RowAtOrBefore(commands, conversation, mid) is not { } row)
                lo = mid + 1;
            else if (row.Ts <= ms)
                (best, lo) = (row.Seq, mid + 1);
            else
                hi = row.Seq - 1;
        }
        if (best is not { } start)
            return 0;
        var command = commands(
            "SELECT id, seq, ts, sender, room, recipient, text, packed, system FROM messages WHERE conv = $conv AND seq = $seq",
            ("$conv", conversation), ("$seq", start));
        using var reader = command.ExecuteReader();
        return reader.Read() ? RowMessages(reader, conversation).LastOrDefault(m => m.Timestamp <= time)?.Seq ?? 0 : 0;
    }

    /// <summary>The row that begins at or closest before <paramref name="seq"/>: its first seq and that message's ts.</summary>
    private static (long Seq, long Ts)? RowAtOrBefore(Commands commands, string conversation, long seq)
    {
        var command = commands("SELECT seq, ts FROM messages WHERE conv = $conv AND seq <= $seq ORDER BY seq DESC LIMIT 1",
            ("$conv", conversation), ("$seq", seq));
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1)) : null;
    }
}
