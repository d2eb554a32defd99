using Parley.Core.Model;

namespace Parley.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    public Task RevokeTokensAsync(string userKey) =>
        Writer.Enqueue(w => Run(w, "DELETE FROM tokens WHERE user_key = $key", ("$key", userKey)));

    public Task<bool> SetAccountStateAsync(string userKey, AccountState state) =>
        Writer.Enqueue(w => Run(w,
            "UPDATE users SET state = $state WHERE key = $key AND state <> $deleted",
            ("$state", (int)state), ("$key", userKey), ("$deleted", (int)AccountState.Deleted)) == 1);

    public Task<bool> DeleteUserAsync(string userKey) =>
        Writer.Enqueue(w =>
        {
            // The password goes too: the tombstone can never be signed in to, whatever a later bug does with its state.
            if (Run(w, "UPDATE users SET state = $deleted, password_hash = '' WHERE key = $key AND state <> $deleted",
                    ("$deleted", (int)AccountState.Deleted), ("$key", userKey)) == 0)
                return false;
            foreach (var table in (ReadOnlySpan<string>)["tokens", "members", "reads", "directs", "profiles", "blocks"])
                Run(w, $"DELETE FROM {table} WHERE user_key = $key", ("$key", userKey));
            // Nobody blocks a deleted account any more: it is out of their lists too.
            Run(w, "DELETE FROM blocks WHERE blocked_key = $key", ("$key", userKey));
            // Its uploads never sent: no message names them (those it sent stay with their messages).
            Run(w, "DELETE FROM files WHERE owner = $key AND conv IS NULL", ("$key", userKey));
            return true;
        });

    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(string keyPrefix, string? afterKey, int limit)
    {
        using var connection = OpenReader();
        // substr rather than LIKE: a key may hold '_', which LIKE reads as a wildcard.
        using var command = Query(connection,
            """
            SELECT name, password_hash, created, state FROM users
            WHERE substr(key, 1, length($prefix)) = $prefix AND key > $after AND state <> $deleted
            ORDER BY key LIMIT $limit
            """,
            ("$prefix", keyPrefix), ("$after", afterKey ?? ""), ("$deleted", (int)AccountState.Deleted), ("$limit", limit));
        using var reader = command.ExecuteReader();
        var users = new List<UserRecord>();
        while (reader.Read())
        {
            users.Add(new UserRecord(reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)))
                { State = (AccountState)reader.GetInt32(3) });
        }
        return Task.FromResult<IReadOnlyList<UserRecord>>(users);
    }

    /// <summary>
    /// Empties the message's text in its row (<see cref="RewriteMessageText"/>). The writer
    /// connection runs with <c>secure_delete</c>, so the bytes the text took are zeroed, not just
    /// freed; older copies of the page live on in the WAL until it is checkpointed over, and in
    /// backups taken before.
    /// </summary>
    public Task<bool> RemoveMessageAsync(string conversation, long seq) =>
        Writer.Enqueue(w =>
        {
            // Its files go with its text (the extras row, found with the message, says which).
            if (FindMessage((sql, parameters) => Bound(w.Command(sql), parameters), conversation, seq) is { Attachments: not null } message)
            {
                ForgetFilesOf(w, message);
                Run(w, "UPDATE message_extras SET attachments = NULL WHERE conv = $conv AND seq = $seq", ("$conv", conversation), ("$seq", seq));
            }
            return RewriteMessageText(w, conversation, seq, "") is not null;
        });

    /// <summary>
    /// Changes a stored message's text in place, on the writer's thread inside its transaction
    /// (call it from a <see cref="GroupCommitWriter.Enqueue{T}(Func{GroupCommitWriter, T})"/>
    /// job), and keeps the search index in step (<see cref="ReindexMessage"/>): a row of one
    /// message has the text in <c>text</c>, a row of several in <c>packed</c>, which is rewritten
    /// whole. <paramref name="text"/> "" removes it (a tombstone). Returns the message as it now
    /// is, or null when the conversation has no stored message of that seq (a message still
    /// being committed counts as none). Every in-place change of a text (removal, edit, recall)
    /// goes through here, so a text that is gone is never found by search.
    /// </summary>
    private StoredMessage? RewriteMessageText(GroupCommitWriter w, string conversation, long seq, string text)
    {
        var find = w.Command("SELECT rowid, id, seq, ts, sender, room, recipient, text, packed, system, last_seq FROM messages WHERE conv = $conv AND seq <= $seq ORDER BY seq DESC LIMIT 1");
        find.Parameters.AddWithValue("$conv", conversation);
        find.Parameters.AddWithValue("$seq", seq);
        long rowid;
        List<StoredMessage> messages;
        bool packed;
        using (var reader = find.ExecuteReader())
        {
            if (!reader.Read())
                return null;
            var first = reader.GetInt64(2);
            var last = reader.IsDBNull(10) ? first : reader.GetInt64(10);
            if (seq > last)
                return null;
            rowid = reader.GetInt64(0);
            packed = !reader.IsDBNull(8);
            messages = RowMessages(reader, conversation, offset: 1);
        }
        var at = messages.FindIndex(m => m.Seq == seq);
        if (at < 0)
            return null;
        var changed = messages[at] with { Text = text };
        messages[at] = changed;
        if (packed)
            Run(w, "UPDATE messages SET packed = $packed WHERE rowid = $row", ("$packed", new PackedMessages().Encode(messages).ToArray()), ("$row", rowid));
        else
            Run(w, "UPDATE messages SET text = $text WHERE rowid = $row", ("$text", text), ("$row", rowid));
        // A row the background indexer has not reached yet gets its entry, with this text, when it does.
        if (rowid <= _indexedUpTo)
            ReindexMessage(changed);
        return changed;
    }

    /// <summary>
    /// The search index follows a message whose text changed in place: its old entry goes (with
    /// FTS5's secure-delete, out of the index itself) and its new text, unless empty or a system
    /// line, is indexed. Call it on the writer's thread, in the transaction that changes the text.
    /// </summary>
    private void ReindexMessage(StoredMessage message) => _searchIndex!.Replace(message);
}
