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
    /// Empties the message's text in its row: a row of one message has it in <c>text</c>, a row of
    /// several in <c>packed</c>, which is rewritten whole. The writer connection runs with
    /// <c>secure_delete</c>, so the bytes the text took are zeroed, not just freed; older copies of the page live on in the WAL until it is checkpointed over, and in
    /// backups taken before.
    /// </summary>
    public Task<bool> RemoveMessageAsync(string conversation, long seq) =>
        Writer.Enqueue(w => RewriteText(w, conversation, seq, ""));
}
