using System.Runtime.InteropServices;
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
    private readonly RawStatements _raw;
    private readonly sqlite3_stmt _insertMessage;
    private readonly sqlite3_stmt _raiseLastSeq;
    private readonly sqlite3_stmt _insertExtras;
    private readonly Dictionary<string, List<StoredMessage>> _unsettled = new(StringComparer.Ordinal);
    private readonly Stack<List<StoredMessage>> _spareLists = new();
    private readonly PackedMessages _packer = new();

    public MessageAppendStatements(SqliteConnection writerConnection)
    {
        _raw = new RawStatements(writerConnection);
        _insertMessage = _raw.Prepare("INSERT INTO messages (conv, seq, id, ts, sender, room, recipient, text, last_seq, packed, system) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        _raiseLastSeq = _raw.Prepare("INSERT INTO conversations (conv, last_seq) VALUES (?1, ?2) ON CONFLICT (conv) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)");
        _insertExtras = _raw.Prepare("INSERT INTO message_extras (conv, seq, reply_to, mentions, sender, attachments) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
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
            _raw.BindText(_raiseLastSeq, 1, conversation);
            _raw.Check(raw.sqlite3_bind_int64(_raiseLastSeq, 2, messages[^1].Seq));
            _raw.Step(_raiseLastSeq);
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
        _raw.BindText(_insertMessage, 1, first.Conversation);
        _raw.Check(raw.sqlite3_bind_int64(_insertMessage, 2, first.Seq));
        _raw.BindText(_insertMessage, 3, first.Id);
        _raw.Check(raw.sqlite3_bind_int64(_insertMessage, 4, first.Timestamp.ToUnixTimeMilliseconds()));
        _raw.BindText(_insertMessage, 5, first.From);
        _raw.BindText(_insertMessage, 6, first.Room);
        _raw.BindText(_insertMessage, 7, first.To);
        if (messages.Count == 1)
        {
            _raw.BindText(_insertMessage, 8, first.Text);
            _raw.Check(raw.sqlite3_bind_null(_insertMessage, 9));
            _raw.Check(raw.sqlite3_bind_null(_insertMessage, 10));
        }
        else
        {
            _raw.BindText(_insertMessage, 8, "");
            _raw.Check(raw.sqlite3_bind_int64(_insertMessage, 9, messages[^1].Seq));
            _raw.Check(raw.sqlite3_bind_blob(_insertMessage, 10, _packer.Encode(messages)));
        }
        // The row's column is its first message's; a packed row's messages each say it in the blob.
        _raw.Check(first.IsSystem ? raw.sqlite3_bind_int(_insertMessage, 11, 1) : raw.sqlite3_bind_null(_insertMessage, 11));
        _raw.Step(_insertMessage);
        foreach (var message in messages)
        {
            if (message.ReplyTo is not null || message.Mentions is not null || message.MentionsAll || message.Attachments is not null)
                InsertExtras(message);
        }
    }

    /// <summary>A reply's seq, the mentions and the files, for the few messages that have them (<c>message_extras</c>).</summary>
    private void InsertExtras(StoredMessage message)
    {
        _raw.BindText(_insertExtras, 1, message.Conversation);
        _raw.Check(raw.sqlite3_bind_int64(_insertExtras, 2, message.Seq));
        _raw.Check(message.ReplyTo is { } replyTo ? raw.sqlite3_bind_int64(_insertExtras, 3, replyTo) : raw.sqlite3_bind_null(_insertExtras, 3));
        _raw.BindText(_insertExtras, 4, Core.Storage.StoredMentions.Encode(message.Mentions, message.MentionsAll));
        _raw.BindText(_insertExtras, 5, Names.Key(message.From));
        _raw.BindText(_insertExtras, 6, Core.Storage.StoredAttachments.Encode(message.Attachments));
        _raw.Step(_insertExtras);
    }

    public void Dispose()
    {
        _insertMessage.Dispose();
        _raiseLastSeq.Dispose();
        _insertExtras.Dispose();
    }
}
