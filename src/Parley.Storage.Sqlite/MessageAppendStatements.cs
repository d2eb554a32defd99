using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Parley.Core.Model;
using SQLitePCL;

namespace Parley.Storage.Sqlite;

/// <summary>
/// The two statements sends run, prepared once on the writer's connection and bound by
/// position. They bypass <see cref="SqliteCommand"/>, which allocates a binder, a reader and the
/// parameter names in UTF-8 on every execution: about a quarter of all bytes a stored message
/// cost the server. A transaction's messages wait here until it settles; then each conversation
/// gets one row, holding its one message as columns or its several packed together
/// (<see cref="PackedMessages"/>), and its last seq raised once. Each row costs two B-tree inserts
/// (the table and the <c>(conv, seq)</c> index); while every message was a row, those were most of
/// what storing one cost in many small rooms. The search index is not written here: a trigram
/// entry costs about 100 µs, ten times the rest of a send, so the index follows in the
/// background (<see cref="SqliteChatStore"/>'s search backlog). Used on the writer's thread only,
/// inside its open transaction.
/// </summary>
internal sealed class MessageAppendStatements : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _insertMessage;
    private readonly sqlite3_stmt _raiseLastSeq;
    private readonly sqlite3_stmt _insertExtras;
    private readonly Dictionary<string, List<StoredMessage>> _unsettled = new(StringComparer.Ordinal);
    private readonly Stack<List<StoredMessage>> _spareLists = new();
    private readonly PackedMessages _packer = new();
    private byte[] _utf8 = new byte[1024];

    public MessageAppendStatements(SqliteConnection writerConnection)
    {
        _db = writerConnection.Handle!;
        _insertMessage = Prepare("INSERT INTO messages (conv, seq, id, ts, sender, room, recipient, text, last_seq, packed, system) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        _raiseLastSeq = Prepare("INSERT INTO conversations (conv, last_seq) VALUES (?1, ?2) ON CONFLICT (conv) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)");
        _insertExtras = Prepare("INSERT INTO message_extras (conv, seq, reply_to, mentions, sender) VALUES (?1, ?2, ?3, ?4, ?5)");
    }

    public void Run(StoredMessage message)
    {
        ref var messages = ref CollectionsMarshal.GetValueRefOrAddDefault(_unsettled, message.Conversation, out var exists);
        if (!exists)
            messages = _spareLists.TryPop(out var spare) ? spare : [];
        messages!.Add(message);
    }

    /// <summary>Before the commit: each conversation written in this transaction gets its row and its new last seq.</summary>
    public void Settle()
    {
        foreach (var (conversation, messages) in _unsettled)
        {
            Insert(messages);
            BindText(_raiseLastSeq, 1, conversation);
            Check(raw.sqlite3_bind_int64(_raiseLastSeq, 2, messages[^1].Seq));
            Step(_raiseLastSeq);
        }
        Forget();
    }

    /// <summary>The transaction rolled back (or settled): what it held is forgotten.</summary>
    public void Forget()
    {
        foreach (var messages in _unsettled.Values)
        {
            messages.Clear();
            _spareLists.Push(messages);
        }
        _unsettled.Clear();
    }

    /// <summary>One conversation's messages, in seq order: the first one's columns, and with several, all of them packed.</summary>
    private void Insert(List<StoredMessage> messages)
    {
        var first = messages[0];
        BindText(_insertMessage, 1, first.Conversation);
        Check(raw.sqlite3_bind_int64(_insertMessage, 2, first.Seq));
        BindText(_insertMessage, 3, first.Id);
        Check(raw.sqlite3_bind_int64(_insertMessage, 4, first.Timestamp.ToUnixTimeMilliseconds()));
        BindText(_insertMessage, 5, first.From);
        BindText(_insertMessage, 6, first.Room);
        BindText(_insertMessage, 7, first.To);
        if (messages.Count == 1)
        {
            BindText(_insertMessage, 8, first.Text);
            Check(raw.sqlite3_bind_null(_insertMessage, 9));
            Check(raw.sqlite3_bind_null(_insertMessage, 10));
        }
        else
        {
            BindText(_insertMessage, 8, "");
            Check(raw.sqlite3_bind_int64(_insertMessage, 9, messages[^1].Seq));
            Check(raw.sqlite3_bind_blob(_insertMessage, 10, _packer.Encode(messages)));
        }
        // The row's column is its first message's; a packed row's messages each say it in the blob.
        Check(first.IsSystem ? raw.sqlite3_bind_int(_insertMessage, 11, 1) : raw.sqlite3_bind_null(_insertMessage, 11));
        Step(_insertMessage);
        foreach (var message in messages)
        {
            if (message.ReplyTo is not null || message.Mentions is not null || message.MentionsAll)
                InsertExtras(message);
        }
    }

    /// <summary>A reply's seq and the mentions, for the few messages that have them (<c>message_extras</c>).</summary>
    private void InsertExtras(StoredMessage message)
    {
        BindText(_insertExtras, 1, message.Conversation);
        Check(raw.sqlite3_bind_int64(_insertExtras, 2, message.Seq));
        Check(message.ReplyTo is { } replyTo ? raw.sqlite3_bind_int64(_insertExtras, 3, replyTo) : raw.sqlite3_bind_null(_insertExtras, 3));
        BindText(_insertExtras, 4, Core.Storage.StoredMentions.Encode(message.Mentions, message.MentionsAll));
        BindText(_insertExtras, 5, Names.Key(message.From));
        Step(_insertExtras);
    }

    public void Dispose()
    {
        _insertMessage.Dispose();
        _raiseLastSeq.Dispose();
        _insertExtras.Dispose();
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(_db, sql, out var statement));
        return statement;
    }

    /// <summary>
    /// Binds UTF-8, the database's encoding: bound as UTF-16, SQLite would translate every value
    /// itself, a byte at a time, on the writer's thread, which is what limits a send's throughput.
    /// </summary>
    private void BindText(sqlite3_stmt statement, int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(statement, index));
            return;
        }
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < length)
            _utf8 = new byte[Math.Max(length, _utf8.Length * 2)];
        var written = Encoding.UTF8.GetBytes(value, _utf8);
        // SQLite copies the bytes (SQLITE_TRANSIENT), so one buffer serves every binding.
        Check(raw.sqlite3_bind_text(statement, index, _utf8.AsSpan(0, written)));
    }

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
