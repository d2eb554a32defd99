using System.Text;
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

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _insert;
    private readonly sqlite3_stmt _delete;
    private readonly sqlite3_stmt _findNumber;
    private readonly sqlite3_stmt _addNumber;
    private readonly Dictionary<string, long> _numbers = new(StringComparer.Ordinal);
    private byte[] _utf8 = new byte[1024];

    public SearchIndexStatements(SqliteConnection connection)
    {
        _db = connection.Handle!;
        _insert = Prepare("INSERT INTO message_search (rowid, text, ts) VALUES (?1, ?2, ?3)");
        _delete = Prepare("DELETE FROM message_search WHERE rowid = ?1");
        _findNumber = Prepare("SELECT num FROM search_convs WHERE conv = ?1");
        _addNumber = Prepare("INSERT INTO search_convs (conv) VALUES (?1)");
    }

    public static long RowId(long conversationNumber, long seq) => (conversationNumber << SeqBits) | seq;

    /// <summary>The rowids a conversation's entries can have, both ends included.</summary>
    public static (long Low, long High) Range(long conversationNumber) => (RowId(conversationNumber, 0), RowId(conversationNumber + 1, 0) - 1);

    /// <summary>Indexes a new message; system lines and empty texts are left out (never found).</summary>
    public void Add(StoredMessage message)
    {
        if (!SearchText.Searchable(message))
            return;
        Check(raw.sqlite3_bind_int64(_insert, 1, RowId(Number(message.Conversation, create: true), message.Seq)));
        BindText(_insert, 2, message.Text);
        Check(raw.sqlite3_bind_int64(_insert, 3, message.Timestamp.ToUnixTimeMilliseconds()));
        Step(_insert);
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
            Check(raw.sqlite3_bind_int64(_delete, 1, RowId(number, message.Seq)));
            Step(_delete);
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
        BindText(_findNumber, 1, conversation);
        var result = raw.sqlite3_step(_findNumber);
        number = result == raw.SQLITE_ROW ? raw.sqlite3_column_int64(_findNumber, 0) : 0;
        raw.sqlite3_reset(_findNumber);
        if (result is not (raw.SQLITE_ROW or raw.SQLITE_DONE))
            throw Error(result);
        if (number == 0)
        {
            if (!create)
                return 0;
            BindText(_addNumber, 1, conversation);
            Step(_addNumber);
            number = raw.sqlite3_last_insert_rowid(_db);
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

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(_db, sql, out var statement));
        return statement;
    }

    /// <summary>Binds UTF-8, as <see cref="MessageAppendStatements"/> does: SQLite copies it, so one buffer serves every binding.</summary>
    private void BindText(sqlite3_stmt statement, int index, string value)
    {
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < length)
            _utf8 = new byte[Math.Max(length, _utf8.Length * 2)];
        var written = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(statement, index, _utf8.AsSpan(0, written)));
    }

    private void Step(sqlite3_stmt statement)
    {
        var result = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (result != raw.SQLITE_DONE)
            throw Error(result);
    }

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
            throw Error(result);
    }

    private SqliteException Error(int result) =>
        new($"SQLite Error {result}: '{raw.sqlite3_errmsg(_db).utf8_to_string()}'.", result, raw.sqlite3_extended_errcode(_db));
}
