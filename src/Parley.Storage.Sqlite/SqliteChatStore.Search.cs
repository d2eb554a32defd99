using Microsoft.Data.Sqlite;
using Parley.Core.Model;

namespace Parley.Storage.Sqlite;

/// <summary>
/// Search (<see cref="Core.Storage.IChatStore.SearchAsync"/>). A text of 3 characters or more is a
/// phrase of trigrams in the index (<see cref="SearchIndexStatements"/>): one FTS5 query per
/// conversation, each bounded to that conversation's rowid range and to the cursor, newest first,
/// stopping at a page and one; the pages are merged by time and only the hits shown are read from
/// <c>messages</c>. A shorter text scans each conversation's newest messages instead
/// (<see cref="SearchText.ScanWindow"/>).
/// </summary>
public sealed partial class SqliteChatStore
{
    public async Task<SearchPage> SearchAsync(IReadOnlyCollection<string> conversations, string text, SearchCursor? before, int limit)
    {
        await CatchUpIndexAsync().ConfigureAwait(false);
        return Search(conversations, text, before, limit);
    }

    private SearchPage Search(IReadOnlyCollection<string> conversations, string text, SearchCursor? before, int limit)
    {
        limit = Math.Max(limit, 1);
        using var connection = OpenReader();
        var hits = new List<StoredMessage>();
        var indexed = !SearchText.IsShort(text);
        if (indexed)
            FindIndexed(connection, conversations, text, before, limit + 1, hits);
        else
        {
            var window = SearchText.ScanWindow(conversations.Count);
            foreach (var conversation in conversations)
                FindByScan(connection, conversation, text, before, limit + 1, window, hits);
        }
        hits.Sort(SearchCursor.NewestFirst);
        var more = hits.Count > limit;
        var page = new List<StoredMessage>(Math.Min(limit, hits.Count));
        Commands commands = (sql, parameters) => Query(connection, sql, parameters);
        foreach (var hit in hits.Take(limit))
        {
            // Index hits carry only where they are (their text is the empty placeholder): read them now,
            // and every hit with what it carries beside its row (files, a reply, reactions).
            var message = indexed ? FindMessage(commands, hit.Conversation, hit.Seq) : WithExtras(commands, hit.Conversation, [hit])[0];
            if (message is not null && SearchText.Searchable(message))
                page.Add(message);
        }
        return new SearchPage(page, more);
    }

    /// <summary>Index entries one search reads in its single pass over all the conversations before it goes conversation by conversation.</summary>
    private const int SinglePassRows = 4000;

    /// <summary>
    /// Up to <paramref name="count"/> indexed hits of each conversation before the cursor, newest
    /// first, as placeholders (conversation, seq, time). First one FTS5 query over the rowids from
    /// the highest conversation number to the lowest, which finds each trigram in each index
    /// segment once and suits a text with few hits; it keeps what belongs to the user's
    /// conversations, up to <see cref="SinglePassRows"/> entries read. If that is not enough (a
    /// common text, whose entries in other conversations crowd the range), the conversations it
    /// has not finished get one query each, bounded to their own rowid range: each finds every
    /// trigram in every segment again, but reads only its own page.
    /// </summary>
    private static void FindIndexed(SqliteConnection connection, IReadOnlyCollection<string> conversations, string text, SearchCursor? before, int count,
        List<StoredMessage> hits)
    {
        var numbers = new SortedDictionary<long, string>(Comparer<long>.Create((a, b) => b.CompareTo(a)));
        using (var number = Query(connection, "SELECT num FROM search_convs WHERE conv = $conv", ("$conv", "")))
        {
            foreach (var conversation in conversations)
            {
                number.Parameters[0].Value = conversation;
                if (number.ExecuteScalar() is long known)
                    numbers[known] = conversation;
            }
        }
        if (numbers.Count == 0)
            return;
        using var command = Query(connection,
            """
            SELECT rowid, ts FROM message_search
            WHERE message_search MATCH $phrase AND rowid BETWEEN $low AND $high
            ORDER BY rowid DESC
            """,
            ("$phrase", Phrase(text)), ("$low", 0L), ("$high", 0L));
        var mask = (1L << SearchIndexStatements.SeqBits) - 1;
        var found = new Dictionary<long, int>();
        // Conversations at or below this number are not finished: the single pass stopped in it.
        var unfinished = -1L;
        var resumeBelow = 0L;
        command.Parameters[1].Value = SearchIndexStatements.Range(numbers.Keys.Last()).Low;
        command.Parameters[2].Value = SearchIndexStatements.Range(numbers.Keys.First()).High;
        using (var reader = command.ExecuteReader())
        {
            for (var read = 0; reader.Read(); read++)
            {
                var rowid = reader.GetInt64(0);
                var conversationNumber = rowid >> SearchIndexStatements.SeqBits;
                if (read == SinglePassRows)
                {
                    (unfinished, resumeBelow) = (conversationNumber, rowid + 1);
                    break;
                }
                if (!numbers.TryGetValue(conversationNumber, out var conversation) || found.GetValueOrDefault(conversationNumber) >= count)
                    continue;
                var hit = Placeholder(conversation, rowid & mask, reader.GetInt64(1));
                if (before is null || before.Precedes(hit))
                {
                    hits.Add(hit);
                    found[conversationNumber] = found.GetValueOrDefault(conversationNumber) + 1;
                }
            }
        }
        if (unfinished < 0)
            return;

        command.CommandText = """
            SELECT rowid, ts FROM message_search
            WHERE message_search MATCH $phrase AND rowid BETWEEN $low AND $high AND ts <= $newest
            ORDER BY rowid DESC LIMIT $count
            """;
        command.Parameters.AddWithValue("$newest", 0L);
        command.Parameters.AddWithValue("$count", 0);
        foreach (var (conversationNumber, conversation) in numbers)
        {
            if (conversationNumber > unfinished)
                continue;
            var (low, high) = SearchIndexStatements.Range(conversationNumber);
            if (conversationNumber == unfinished)
                high = resumeBelow - 1;
            // The cursor, as bounds the index can use: this conversation's seq below the cursor's, or
            // for another conversation its time up to (or below) the cursor's, as the order breaks ties.
            var newestMs = long.MaxValue;
            if (before is not null)
            {
                var order = string.CompareOrdinal(conversation, before.Conversation);
                newestMs = before.Timestamp.ToUnixTimeMilliseconds() - (order > 0 ? 1 : 0);
                if (order == 0)
                    high = Math.Min(high, SearchIndexStatements.RowId(conversationNumber, Math.Max(before.Seq - 1, 0)));
            }
            var wanted = count - found.GetValueOrDefault(conversationNumber);
            if (wanted <= 0 || high < low)
                continue;
            command.Parameters[1].Value = low;
            command.Parameters[2].Value = high;
            command.Parameters[3].Value = newestMs;
            command.Parameters[4].Value = wanted;
            using var reader = command.ExecuteReader();
            while (reader.Read())
                hits.Add(Placeholder(conversation, reader.GetInt64(0) & mask, reader.GetInt64(1)));
        }
    }

    /// <summary>Where an index hit is: its text and the rest are read only if it makes the page.</summary>
    private static StoredMessage Placeholder(string conversation, long seq, long milliseconds) =>
        new("", conversation, seq, DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), "", null, null, "");

    /// <summary>The text as one FTS5 phrase: its trigrams, in a row (a substring), with nothing in it read as query syntax.</summary>
    private static string Phrase(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Up to <paramref name="count"/> hits before the cursor among the conversation's newest <paramref name="window"/> messages, newest first.</summary>
    private static void FindByScan(SqliteConnection connection, string conversation, string text, SearchCursor? before, int count, int window,
        List<StoredMessage> hits)
    {
        using var last = Query(connection, "SELECT last_seq FROM conversations WHERE conv = $conv", ("$conv", conversation));
        if (last.ExecuteScalar() is not long lastSeq)
            return;
        var oldest = lastSeq - window + 1;
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
}
