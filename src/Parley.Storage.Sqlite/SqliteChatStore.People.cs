using Microsoft.Data.Sqlite;
using Parley.Core.Model;
using Parley.Core.Storage;

namespace Parley.Storage.Sqlite;

/// <summary>People: the directory (a range of <c>users</c>' primary key), <c>profiles</c>, <c>blocks</c>, and opened <c>directs</c>.</summary>
public sealed partial class SqliteChatStore
{
    public Task<IReadOnlyList<Profile>> SearchUsersAsync(string prefixKey, string? afterKey, int limit)
    {
        // A range of the users' primary key (BINARY collation: UTF-8 byte order), read from its
        // first match: a page costs its own rows, however many users there are.
        var upper = KeyRange.PrefixEnd(prefixKey);
        var sql = $"""
            SELECT u.name, p.display, p.status FROM users u LEFT JOIN profiles p ON p.user_key = u.key
            WHERE u.state <> 2 AND u.key >= $prefix AND u.key > $after{(upper is null ? "" : " AND u.key < $upper")}
            ORDER BY u.key LIMIT $limit
            """;
        using var connection = OpenReader();
        using var command = Query(connection, sql,
            ("$prefix", prefixKey), ("$after", afterKey ?? ""), ("$upper", upper), ("$limit", limit));
        using var reader = command.ExecuteReader();
        var found = new List<Profile>();
        while (reader.Read())
        {
            var profile = ReadProfile(reader);
            // Without an upper bound (a prefix ending in a character that has no next one) the range runs on: stop at the first miss.
            if (!Names.Key(profile.User).StartsWith(prefixKey, StringComparison.Ordinal))
                break;
            found.Add(profile);
        }
        return Task.FromResult<IReadOnlyList<Profile>>(found);
    }

    public Task<Profile?> FindProfileAsync(string userKey)
    {
        using var connection = OpenReader();
        using var command = Query(connection,
            "SELECT u.name, p.display, p.status FROM users u LEFT JOIN profiles p ON p.user_key = u.key WHERE u.key = $key AND u.state <> 2",
            ("$key", userKey));
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadProfile(reader) : null);
    }

    public Task<Profile?> SetProfileAsync(string userKey, string? display, string? status) =>
        Writer.Enqueue(w =>
        {
            var command = w.Command("SELECT 1 FROM users WHERE key = $key AND state <> 2");
            command.Parameters.AddWithValue("$key", userKey);
            if (command.ExecuteScalar() is null)
                return null;
            Run(w,
                """
                INSERT INTO profiles (user_key, display, status) VALUES ($key, coalesce($display, ''), coalesce($status, ''))
                ON CONFLICT (user_key) DO UPDATE SET display = coalesce($display, display), status = coalesce($status, status)
                """,
                ("$key", userKey), ("$display", display), ("$status", status));
            var read = w.Command("SELECT u.name, p.display, p.status FROM users u LEFT JOIN profiles p ON p.user_key = u.key WHERE u.key = $key");
            read.Parameters.AddWithValue("$key", userKey);
            using var reader = read.ExecuteReader();
            return reader.Read() ? ReadProfile(reader) : null;
        });

    public Task OpenDirectAsync(string userKey, string conversation, string peerName) =>
        Writer.Enqueue(w => Run(w,
            "INSERT OR IGNORE INTO directs (user_key, conv, peer) VALUES ($user, $conv, $peer)",
            ("$user", userKey), ("$conv", conversation), ("$peer", peerName)));

    public Task SetBlockedAsync(string userKey, string blockedKey, bool blocked) =>
        Writer.Enqueue(w => Run(w,
            blocked
                ? "INSERT OR IGNORE INTO blocks (user_key, blocked_key) VALUES ($user, $blocked)"
                : "DELETE FROM blocks WHERE user_key = $user AND blocked_key = $blocked",
            ("$user", userKey), ("$blocked", blockedKey)));

    public Task<IReadOnlyList<string>> BlockedAsync(string userKey)
    {
        using var connection = OpenReader();
        using var command = Query(connection,
            "SELECT u.name FROM blocks b JOIN users u ON u.key = b.blocked_key WHERE b.user_key = $user", ("$user", userKey));
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
            names.Add(reader.GetString(0));
        return Task.FromResult<IReadOnlyList<string>>(names);
    }

    public Task<bool> BlocksAsync(string userKey, string otherKey)
    {
        using var connection = OpenReader();
        using var command = Query(connection,
            "SELECT 1 FROM blocks WHERE user_key = $user AND blocked_key = $other", ("$user", userKey), ("$other", otherKey));
        return Task.FromResult(command.ExecuteScalar() is not null);
    }

    /// <summary>Columns name, display, status; an empty part (cleared, or never set) is none.</summary>
    private static Profile ReadProfile(SqliteDataReader reader) =>
        new(reader.GetString(0), NoneIfEmpty(reader, 1), NoneIfEmpty(reader, 2));

    private static string? NoneIfEmpty(SqliteDataReader reader, int column) =>
        reader.IsDBNull(column) || reader.GetString(column) is not { Length: > 0 } value ? null : value;
}
