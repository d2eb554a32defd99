using Microsoft.Data.Sqlite;
using Parley.Core.Model;
using SQLitePCL;

namespace Parley.Storage.Sqlite;

/// <summary>
/// Writes the search index (<c>message_search</c>, an FTS5 table with the trigram tokenizer; see
/// <see cref="Schema"/>): one entry per message, whether its row holds it alone or packed with
/// others. An entry's rowid is its conversation's number (<c>search_convs</c>) shifted left by
/// <see cref="SeqBits"/>, plus its seq, so one conversation's entries are one rowid range, which
/// FTS5 seeks into: a search costs what the user's conversations hold, not the whole database.
/// The table is contentless (the text is in <c>messages</c> already) with FTS5's secure-delete on,
/// so deleting an entry takes its terms out of the index at once. Prepared once on the writer's
/// connection and used on the writer's thread only, inside its open transaction, like
/// <see cref="MessageAppendStatements"/>; nothing is allocated per message once a conversation's
/// number is known.
/// </summary>
internal sealed class SearchIndexStatements : IDisposable
{
    /// <summary>Bits of an entry's rowid that hold the seq: 2^36 messages per conversation, 2^27 conversations.</summary>
    public const int SeqBits = 36;

    private readonly RawStatements _raw;
    private readonly sqlite3_stmt _insert;
    private readonly sqlite3_stmt _delete;
    private readonly sqlite3_stmt _findNumber;
    private readonly sqlite3_stmt _addNumber;
    private readonly Dictionary<string, long> _numbers = new(StringComparer.Ordinal);

    public SearchIndexStatements(SqliteConnection connection)
    {
        _raw = new RawStatements(connection);
        _insert = _raw.Prepare("INSERT INTO message_search (rowid, text, ts) VALUES (?1, ?2, ?3)");
        _delete = _raw.Prepare("DELETE FROM message_search WHERE rowid = ?1");
        _findNumber = _raw.Prepare("SELECT num FROM search_convs WHERE conv = ?1");
        _addNumber = _raw.Prepare("INSERT INTO search_convs (conv) VALUES (?1)");
    }

    public static long RowId(long conversationNumber, long seq) => (conversationNumber << SeqBits) | seq;

    /// <summary>The rowids a conversation's entries can have, both ends included.</summary>
    public static (long Low, long High) Range(long conversationNumber) => (RowId(conversationNumber, 0), RowId(conversationNumber + 1, 0) - 1);

    /// <summary>Indexes a new message; system lines and empty texts are left out (never found).</summary>
    public void Add(StoredMessage message)
    {
        if (!SearchText.Searchable(message))
            return;
        _raw.Check(raw.sqlite3_bind_int64(_insert, 1, RowId(Number(message.Conversation, create: true), message.Seq)));
        _raw.BindText(_insert, 2, message.Text);
        _raw.Check(raw.sqlite3_bind_int64(_insert, 3, message.Timestamp.ToUnixTimeMilliseconds()));
        _raw.Step(_insert);
    }

    /// <summary>
    /// The message's text changed in place (removed, and later edited or recalled): its entry is
    /// deleted and, when the new text is searchable, written again. Idempotent.
    /// </summary>
    public void Replace(StoredMessage message)
    {
        var number = Number(message.Conversation, create: false);
        if (number > 0)
        {
            _raw.Check(raw.sqlite3_bind_int64(_delete, 1, RowId(number, message.Seq)));
            _raw.Step(_delete);
        }
        Add(message);
    }

    /// <summary>The rowids of a conversation's entries (to delete them with its room), or null when it has none.</summary>
    public (long Low, long High)? EntriesOf(string conversation) =>
        Number(conversation, create: false) is > 0 and var number ? Range(number) : null;

    /// <summary>A transaction rolled back: numbers it gave out are not stored, so none are trusted from memory.</summary>
    public void Forget() => _numbers.Clear();

    /// <summary>The conversation's number, read or made on first use; 0 when it has none and <paramref name="create"/> is false.</summary>
    private long Number(string conversation, bool create)
    {
        if (_numbers.TryGetValue(conversation, out var number))
            return number;
        _raw.BindText(_findNumber, 1, conversation);
        var result = raw.sqlite3_step(_findNumber);
        number = result == raw.SQLITE_ROW ? raw.sqlite3_column_int64(_findNumber, 0) : 0;
        raw.sqlite3_reset(_findNumber);
        if (result is not (raw.SQLITE_ROW or raw.SQLITE_DONE))
            throw _raw.Error(result);
        if (number == 0)
        {
            if (!create)
                return 0;
            _raw.BindText(_addNumber, 1, conversation);
            _raw.Step(_addNumber);
            number = raw.sqlite3_last_insert_rowid(_raw.Handle);
        }
        _numbers[conversation] = number;
        return number;
    }

    public void Dispose()
    {
        _insert.Dispose();
        _delete.Dispose();
        _findNumber.Dispose();
        _addNumber.Dispose();
    }
}
