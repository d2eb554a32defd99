using Parley.Core.Model;

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

    public Task SaveTokenAsync(string tokenHash, string userKey, DateTimeOffset created) =>
        Writer.Enqueue(w => Run(w,
            "INSERT OR REPLACE INTO tokens (hash, user_key, created) VALUES ($hash, $user, $created)",
            ("$hash", tokenHash), ("$user", userKey), ("$created", created.ToUnixTimeMilliseconds())));

    public Task<string?> FindTokenUserAsync(string tokenHash)
    {
        using var connection = OpenReader();
        using var command = Query(connection,
            "SELECT u.name FROM tokens t JOIN users u ON u.key = t.user_key WHERE t.hash = $hash AND u.state = 0", ("$hash", tokenHash));
        return Task.FromResult(command.ExecuteScalar() as string);
    }

    public Task DeleteTokenAsync(string tokenHash) =>
        Writer.Enqueue(w => Run(w, "DELETE FROM tokens WHERE hash = $hash", ("$hash", tokenHash)));
}
