using System.Globalization;
using Parley.Core.Model;
using Parley.Core.Storage;
using StackExchange.Redis;

namespace Parley.Storage.Redis;

public sealed partial class RedisChatStore
{
    public Task<UserRecord?> FindUserAsync(string userKey) =>
        Call(async db =>
        {
            var fields = (await db.HashGetAllAsync(Keys.User(userKey)).ConfigureAwait(false)).ToDictionary();
            return fields.Count == 0
                ? null
                : new UserRecord((string)fields["name"]!, (string)fields["password_hash"]!, ToTime(fields["created"])) { State = StateOf(fields) };
        });

    public async Task<bool> TryCreateUserAsync(UserRecord user, string? firstRoomKey = null)
    {
        RedisKey[] keys = firstRoomKey is null
            ? [Keys.Users(), Keys.User(user.Key), Keys.UserIndex()]
            : [Keys.Users(), Keys.User(user.Key), Keys.UserIndex(), Keys.Members(firstRoomKey), Keys.UserRooms(user.Key), Keys.Reads(user.Key),
                Keys.LastSeq(ConversationKey.ForRoom(firstRoomKey))];
        RedisValue[] values = firstRoomKey is null
            ? [user.Key, user.Name, user.PasswordHash, user.Created.ToUnixTimeMilliseconds()]
            : [user.Key, user.Name, user.PasswordHash, user.Created.ToUnixTimeMilliseconds(), firstRoomKey, ConversationKey.ForRoom(firstRoomKey)];
        return (long)await Script(RedisScripts.CreateUser, keys, values).ConfigureAwait(false) == 1;
    }

    public Task SetPasswordHashAsync(string userKey, string passwordHash) =>
        Script(RedisScripts.UpdateExisting, [Keys.User(userKey)], ["password_hash", passwordHash]);

    /// <summary>
    /// The token holds its user key, the user's token epoch then (<see cref="RevokeTokensAsync"/>)
    /// and its last use; its key expires after the idle lifetime, renewed by <see cref="TouchTokenAsync"/>.
    /// </summary>
    public Task SaveTokenAsync(string tokenHash, string userKey, DateTimeOffset created, TimeSpan idleLifetime) =>
        Script(SaveTokenScript, [Keys.Token(tokenHash), Keys.User(userKey)], [userKey, created.ToUnixTimeMilliseconds(), KeyLifetime(idleLifetime)]);

    public Task<TokenUse?> FindTokenAsync(string tokenHash) =>
        Call(async db =>
        {
            var value = (string?)await db.StringGetAsync(Keys.Token(tokenHash)).ConfigureAwait(false);
            if (value is null)
                return null;
            // "user epoch last-used"; tokens saved before epochs hold the user key alone (epoch 0),
            // and before last use was kept, no third part.
            var parts = value.Split(' ');
            var userKey = parts[0];
            var epoch = parts.Length > 1 ? parts[1] : "0";
            DateTimeOffset? lastUsed = parts.Length > 2 ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(parts[2], CultureInfo.InvariantCulture)) : null;
            var user = await db.HashGetAsync(Keys.User(userKey), ["name", "state", "token_epoch"]).ConfigureAwait(false);
            if (user[0].IsNull || (!user[1].IsNull && (int)user[1] != (int)AccountState.Active) || epoch != (user[2].IsNull ? "0" : (string)user[2]!))
                return null;
            return new TokenUse((string)user[0]!, lastUsed);
        });

    public Task TouchTokenAsync(string tokenHash, DateTimeOffset used, TimeSpan idleLifetime) =>
        Script(TouchTokenScript, [Keys.Token(tokenHash)], [used.ToUnixTimeMilliseconds(), KeyLifetime(idleLifetime)]);

    /// <summary>A key's lifetime in whole milliseconds, at least 1 (PX refuses 0).</summary>
    private static long KeyLifetime(TimeSpan lifetime) => Math.Max(1, (long)lifetime.TotalMilliseconds);

    public Task DeleteTokenAsync(string tokenHash) =>
        Call(db => db.KeyDeleteAsync(Keys.Token(tokenHash)));
}
