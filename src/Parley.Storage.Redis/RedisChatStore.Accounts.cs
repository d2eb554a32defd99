using Parley.Core.Model;
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

    /// <summary>The token holds its user key and the user's token epoch then (<see cref="RevokeTokensAsync"/>).</summary>
    public Task SaveTokenAsync(string tokenHash, string userKey, DateTimeOffset created) =>
        Script(SaveTokenScript, [Keys.Token(tokenHash), Keys.User(userKey)], [userKey]);

    public Task<string?> FindTokenUserAsync(string tokenHash) =>
        Call(async db =>
        {
            var value = (string?)await db.StringGetAsync(Keys.Token(tokenHash)).ConfigureAwait(false);
            if (value is null)
                return null;
            // Tokens saved before epochs existed hold the user key alone: epoch 0.
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            var userKey = space < 0 ? value : value[..space];
            var epoch = space < 0 ? "0" : value[(space + 1)..];
            var user = await db.HashGetAsync(Keys.User(userKey), ["name", "state", "token_epoch"]).ConfigureAwait(false);
            if (user[0].IsNull || (!user[1].IsNull && (int)user[1] != (int)AccountState.Active) || epoch != (user[2].IsNull ? "0" : (string)user[2]!))
                return null;
            return (string?)user[0];
        });
    public Task DeleteTokenAsync(string tokenHash) =>
        Call(db => db.KeyDeleteAsync(Keys.Token(tokenHash)));
}
