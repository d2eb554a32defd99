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
                : new UserRecord((string)fields["name"]!, (string)fields["password_hash"]!, ToTime(fields["created"]));
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

    public Task SaveTokenAsync(string tokenHash, string userKey, DateTimeOffset created) =>
        Call(db => db.StringSetAsync(Keys.Token(tokenHash), userKey));

    public Task<string?> FindTokenUserAsync(string tokenHash) =>
        Call(async db =>
        {
            var userKey = await db.StringGetAsync(Keys.Token(tokenHash)).ConfigureAwait(false);
            if (userKey.IsNull)
                return null;
            return (string?)await db.HashGetAsync(Keys.User(userKey!), "name").ConfigureAwait(false);
        });

    public Task DeleteTokenAsync(string tokenHash) =>
        Call(db => db.KeyDeleteAsync(Keys.Token(tokenHash)));
}
