using Parley.Core.Model;
using Parley.Core.Storage;

namespace Parley.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    public Task<UserRecord?> FindUserAsync(string userKey)
    {
        using var connection = OpenReader();
        using var command = Query(connection, "SELECT name, password_hash, created, state FROM users WHERE key = $key", ("$key", userKey));
        using var reader = command.ExecuteReader();
        UserRecord? user = reader.Read()
            ? new UserRecord(reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)))
                { State = (AccountState)reader.GetInt32(3) }
            : null;
        return Task.FromResult(user);
    }

    public Task<bool> TryCreateUserAsync(UserRecord user, string? firstRoomKey = null) =>
        Writer.Enqueue(w =>
        {
            var created = Run(w,
                "INSERT OR IGNORE INTO users (key, name, password_hash, created) VALUES ($key, $name, $hash, $created)",
                ("$key", user.Key), ("$name", user.Name), ("$hash", user.PasswordHash), ("$created", user.Created.ToUnixTimeMilliseconds())) == 1;
            if (created && firstRoomKey is not null)
                AddMember(w, firstRoomKey, user.Key);
            return created;
        });

    public Task SetPasswordHashAsync(string userKey, string passwordHash) =>
        Writer.Enqueue(w => Run(w, "UPDATE users SET password_hash = $hash WHERE key = $key", ("$hash", passwordHash), ("$key", userKey)));

    /// <summary>Also deletes the user's tokens unused for <paramref name="idleLifetime"/>, so the table does not keep them forever.</summary>
    public Task SaveTokenAsync(string tokenHash, string userKey, DateTimeOffset created, TimeSpan idleLifetime) =>
        Writer.Enqueue(w =>
        {
            Run(w, "DELETE FROM tokens WHERE user_key = $user AND last_used < $cutoff",
                ("$user", userKey), ("$cutoff", (created - idleLifetime).ToUnixTimeMilliseconds()));
            return Run(w,
                "INSERT OR REPLACE INTO tokens (hash, user_key, created, last_used) VALUES ($hash, $user, $created, $created)",
                ("$hash", tokenHash), ("$user", userKey), ("$created", created.ToUnixTimeMilliseconds()));
        });

    public Task<TokenUse?> FindTokenAsync(string tokenHash)
    {
        using var connection = OpenReader();
        using var command = Query(connection,
            "SELECT u.name, t.last_used FROM tokens t JOIN users u ON u.key = t.user_key WHERE t.hash = $hash AND u.state = 0", ("$hash", tokenHash));
        using var reader = command.ExecuteReader();
        TokenUse? token = reader.Read()
            ? new TokenUse(reader.GetString(0), reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)))
            : null;
        return Task.FromResult(token);
    }

    public Task TouchTokenAsync(string tokenHash, DateTimeOffset used, TimeSpan idleLifetime) =>
        Writer.Enqueue(w => Run(w, "UPDATE tokens SET last_used = $used WHERE hash = $hash",
            ("$used", used.ToUnixTimeMilliseconds()), ("$hash", tokenHash)));

    public Task DeleteTokenAsync(string tokenHash) =>
        Writer.Enqueue(w => Run(w, "DELETE FROM tokens WHERE hash = $hash", ("$hash", tokenHash)));
}
