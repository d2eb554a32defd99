using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Parley.Core.Model;
using SQLitePCL;

namespace Parley.Storage.Sqlite;

/// <summary>
/// The two statements sends run, prepared once on the writer's connection and bound by
/// position. They bypass <see cref="SqliteCommand"/>, which allocates a binder, a reader and the
/// parameter names in UTF-8 on every execution: about a quarter of all bytes a stored message
/// cost the server. Each message is inserted as it comes; a conversation's last seq is raised
/// once per transaction, however many of its messages the transaction holds. Used on the
/// writer's thread only, inside its open transaction.
/// </summary>
internal sealed class MessageAppendStatements : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _insertMessage;
    private readonly sqlite3_stmt _raiseLastSeq;
    private readonly Dictionary<string, long> _lastSeqs = new(StringComparer.Ordinal);

    public MessageAppendStatements(SqliteConnection writerConnection)
    {
        _db = writerConnection.Handle!;
        _insertMessage = Prepare("INSERT INTO messages (conv, seq, id, ts, sender, room, recipient, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        _raiseLastSeq = Prepare("INSERT INTO conversations (conv, last_seq) VALUES (?1, ?2) ON CONFLICT (conv) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)");
    }

    public void Run(StoredMessage message)
    {
        BindText(_insertMessage, 1, message.Conversation);
        Check(raw.sqlite3_bind_int64(_insertMessage, 2, message.Seq));
        BindText(_insertMessage, 3, message.Id);
        Check(raw.sqlite3_bind_int64(_insertMessage, 4, message.Timestamp.ToUnixTimeMilliseconds()));
        BindText(_insertMessage, 5, message.From);
        BindText(_insertMessage, 6, message.Room);
        BindText(_insertMessage, 7, message.To);
        BindText(_insertMessage, 8, message.Text);
        Step(_insertMessage);
        ref var last = ref CollectionsMarshal.GetValueRefOrAddDefault(_lastSeqs, message.Conversation, out _);
        last = Math.Max(last, message.Seq);
    }

    /// <summary>Before the commit: each conversation written in this transaction gets its new last seq.</summary>
    public void RaiseLastSeqs()
    {
        foreach (var (conversation, seq) in _lastSeqs)
        {
            BindText(_raiseLastSeq, 1, conversation);
            Check(raw.sqlite3_bind_int64(_raiseLastSeq, 2, seq));
            Step(_raiseLastSeq);
        }
        _lastSeqs.Clear();
    }

    /// <summary>The transaction rolled back: what it would have raised is forgotten.</summary>
    public void Forget() => _lastSeqs.Clear();

    public void Dispose()
    {
        _insertMessage.Dispose();
        _raiseLastSeq.Dispose();
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(_db, sql, out var statement));
        return statement;
    }

    private void BindText(sqlite3_stmt statement, int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text16(statement, index, value.AsSpan()));

    /// <summary>Runs the statement to completion and readies it for the next binding, also when it failed.</summary>
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
