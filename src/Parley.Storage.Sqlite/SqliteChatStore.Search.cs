using Microsoft.Data.Sqlite;
using Parley.Core.Model;

namespace Parley.Storage.Sqlite;

/// <summary>
/// Search (<see cref="Core.Storage.IChatStore.SearchAsync"/>). A text of 3 characters or more is a
/// phrase of trigrams in the index (<see cref="SearchIndexStatements"/>): one FTS5 query per
/// conversation, each bounded to that conversation's rowid range and to the cursor, newest first,
/// stopping at a page and one; the pages are merged by time and only the hits shown are read from
/// <c>messages</c>. A shorter text scans each conversation's newest
/// <see cref="SearchText.ScanWindow"/> messages instead.
/// </summary>
public sealed partial class SqliteChatStore
{
    public Task<SearchPage> SearchAsync(IReadOnlyCollection<string> conversations, string text, SearchCursor? before, int limit)
    {
        limit = Math.Max(limit, 1);
        using var connection = OpenReader();
        var hits = new List<StoredMessage>();
        var indexed = !SearchText.IsShort(text);
        foreach (var conversation in conversations)
        {
            if (indexed)
                FindIndexed(connection, conversation, text, before, limit + 1, hits);
            else
                FindByScan(connection, conversation, text, before, limit + 1, hits);
        }
        hits.Sort(SearchCursor.NewestFirst);
        var more = hits.Count > limit;
        var page = new List<StoredMessage>(Math.Min(limit, hits.Count));
        foreach (var hit in hits.Take(limit))
        {
            // Index hits carry only where they are (their text is the empty placeholder): read them now.
            var message = indexed ? ReadMessage(connection, hit.Conversation, hit.Seq) : hit;
            if (message is not null && SearchText.Searchable(message))
                page.Add(message);
        }
        return Task.FromResult(new SearchPage(page, more));
    }

    /// <summary>Up to <paramref name="count"/> of the conversation's indexed hits before the cursor, newest first, as placeholders (conversation, seq, time).</summary>
    private static void FindIndexed(SqliteConnection connection, string conversation, string text, SearchCursor? before, int count, List<StoredMessage> hits)
    {
        using var number = Query(connection, "SELECT num FROM search_convs WHERE conv = $conv", ("$conv", conversation));
        if (number.ExecuteScalar() is not long found)
            return;
        var (low, high) = SearchIndexStatements.Range(found);
        // The cursor, as bounds the index can use: this conversation's seq below the cursor's, or
        // for another conversation its time up to (or below) the cursor's, as the order breaks ties.
        var newestMs = long.MaxValue;
        if (before is not null)
        {
            var order = string.CompareOrdinal(conversation, before.Conversation);
            newestMs = before.Timestamp.ToUnixTimeMilliseconds() - (order > 0 ? 1 : 0);
            if (order == 0)
                high = Math.Min(high, SearchIndexStatements.RowId(found, Math.Max(before.Seq - 1, 0)));
        }
        using var command = Query(connection,
            """
            SELECT rowid, ts FROM message_search
            WHERE message_search MATCH $phrase AND rowid BETWEEN $low AND $high AND ts <= $newest
            ORDER BY rowid DESC LIMIT $count
            """,
            ("$phrase", Phrase(text)), ("$low", low), ("$high", high), ("$newest", newestMs), ("$count", count));
        using var reader = command.ExecuteReader();
        var mask = (1L << SearchIndexStatements.SeqBits) - 1;
        while (reader.Read())
        {
            hits.Add(new StoredMessage("", conversation, reader.GetInt64(0) & mask, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                "", null, null, ""));
        }
    }

    /// <summary>The text as one FTS5 phrase: its trigrams, in a row (a substring), with nothing in it read as query syntax.</summary>
    private static string Phrase(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Up to <paramref name="count"/> hits before the cursor among the conversation's newest <see cref="SearchText.ScanWindow"/> messages, newest first.</summary>
    private static void FindByScan(SqliteConnection connection, string conversation, string text, SearchCursor? before, int count, List<StoredMessage> hits)
    {
        using var last = Query(connection, "SELECT last_seq FROM conversations WHERE conv = $conv", ("$conv", conversation));
        if (last.ExecuteScalar() is not long lastSeq)
            return;
        var oldest = lastSeq - SearchText.ScanWindow + 1;
        var below = before is not null && before.Conversation == conversation ? before.Seq : long.MaxValue;
        using var command = Query(connection,
            "SELECT id, seq, ts, sender, room, recipient, text, packed, system, last_seq FROM messages WHERE conv = $conv AND seq < $below ORDER BY seq DESC",
            ("$conv", conversation), ("$below", below));
        using var reader = command.ExecuteReader();
        var found = 0;
        while (found < count && reader.Read())
        {
            var rowLast = reader.IsDBNull(9) ? reader.GetInt64(1) : reader.GetInt64(9);
            if (rowLast < oldest)
                break;
            var messages = RowMessages(reader, conversation);
            for (var i = messages.Count - 1; i >= 0 && found < count; i--)
            {
                var message = messages[i];
                if (message.Seq < oldest || (before is not null && !before.Precedes(message)) || !SearchText.Matches(message, text))
                    continue;
                hits.Add(message);
                found++;
            }
        }
    }

    /// <summary>One stored message, from its row whether alone or packed; null when there is none.</summary>
    private static StoredMessage? ReadMessage(SqliteConnection connection, string conversation, long seq)
    {
        using var command = Query(connection,
            "SELECT id, seq, ts, sender, room, recipient, text, packed, system FROM messages WHERE conv = $conv AND seq <= $seq ORDER BY seq DESC LIMIT 1",
            ("$conv", conversation), ("$seq", seq));
        using var reader = command.ExecuteReader();
        return reader.Read() ? RowMessages(reader, conversation).Find(m => m.Seq == seq) : null;
    }
}
