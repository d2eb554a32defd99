using Parley.Core.Model;
using Parley.Core.Storage;
using StackExchange.Redis;

namespace Parley.Storage.Redis;

/// <summary>
/// People: the directory (ZRANGE BYLEX on <see cref="RedisKeys.UserIndex"/>), profiles, blocks, and
/// opened direct conversations (<see cref="RedisKeys.Directs"/>, as a first message would list them).
/// </summary>
public sealed partial class RedisChatStore
{
    /// <summary>
    /// Sets the given parts of an existing user's profile and reads it back, in one step.
    /// KEYS: 1 user hash, 2 profile hash. ARGV: 1 '1' when the display name is given, 2 display
    /// name, 3 '1' when the status is given, 4 status ("" clears).
    /// Returns name, display, status ("" when not set), or nil when there is no such user.
    /// </summary>
    private const string SetProfileScript = """
        local name = redis.call('HGET', KEYS[1], 'name')
        if not name or redis.call('HGET', KEYS[1], 'state') == '2' then return nil end
        if ARGV[1] == '1' then redis.call('HSET', KEYS[2], 'display', ARGV[2]) end
        if ARGV[3] == '1' then redis.call('HSET', KEYS[2], 'status', ARGV[4]) end
        local parts = redis.call('HMGET', KEYS[2], 'display', 'status')
        return {name, parts[1] or '', parts[2] or ''}
        """;

    /// <summary>The user hash's <c>state</c> of a deleted account (<see cref="AccountState.Deleted"/>).</summary>
    private static readonly RedisValue DeletedState = ((int)AccountState.Deleted).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Task<IReadOnlyList<Profile>> SearchUsersAsync(string prefixKey, string? afterKey, int limit) =>
        Call<IReadOnlyList<Profile>>(async db =>
        {
            // [prefix .. (prefix-end, or from after the cursor when it is further on: Redis orders
            // members by their bytes, as the SQLite store orders keys.
            var fromCursor = afterKey is not null && string.CompareOrdinal(afterKey, prefixKey) >= 0;
            RedisValue min = fromCursor ? afterKey : prefixKey.Length > 0 ? prefixKey : default;
            var upper = KeyRange.PrefixEnd(prefixKey);
            RedisValue max = upper is null ? default : upper;
            var exclude = (fromCursor ? Exclude.Start : Exclude.None) | (upper is null ? Exclude.None : Exclude.Stop);
            var keys = await db.SortedSetRangeByValueAsync(Keys.UserIndex(), min, max, exclude, Order.Ascending, 0, limit).ConfigureAwait(false);

            var names = keys.Select(k => db.HashGetAsync(Keys.User((string)k!), ["name", "state"])).ToArray();
            var profiles = keys.Select(k => db.HashGetAsync(Keys.Profile((string)k!), ["display", "status"])).ToArray();
            await Task.WhenAll(names.Concat<Task>(profiles)).ConfigureAwait(false);
            var found = new List<Profile>(keys.Length);
            for (var i = 0; i < keys.Length; i++)
            {
                var key = (string)keys[i]!;
                // Past the prefix only when it has no upper bound; a key without its user hash is an index entry left behind.
                if (!key.StartsWith(prefixKey, StringComparison.Ordinal))
                    break;
                // A deleted account keeps its place in the index (its name stays taken) but is not listed.
                if (!names[i].Result[0].IsNull && names[i].Result[1] != DeletedState)
                    found.Add(ToProfile(names[i].Result[0], profiles[i].Result[0], profiles[i].Result[1]));
            }
            return found;
        });

    public Task<Profile?> FindProfileAsync(string userKey) =>
        Call(async db =>
        {
            var name = db.HashGetAsync(Keys.User(userKey), ["name", "state"]);
            var parts = db.HashGetAsync(Keys.Profile(userKey), ["display", "status"]);
            await Task.WhenAll(name, parts).ConfigureAwait(false);
            return name.Result[0].IsNull || name.Result[1] == DeletedState ? null : ToProfile(name.Result[0], parts.Result[0], parts.Result[1]);
        });

    public async Task<Profile?> SetProfileAsync(string userKey, string? display, string? status)
    {
        var result = await Script(SetProfileScript, [Keys.User(userKey), Keys.Profile(userKey)],
            [display is null ? "0" : "1", display ?? "", status is null ? "0" : "1", status ?? ""]).ConfigureAwait(false);
        if (result.IsNull)
            return null;
        var parts = (RedisValue[])result!;
        return ToProfile(parts[0], parts[1], parts[2]);
    }

    public Task OpenDirectAsync(string userKey, string conversation, string peerName) =>
        Call(db => db.HashSetAsync(Keys.Directs(userKey), conversation, peerName, When.NotExists));

    public Task SetBlockedAsync(string userKey, string blockedKey, bool blocked) =>
        Call(db => blocked ? db.SetAddAsync(Keys.Blocks(userKey), blockedKey) : db.SetRemoveAsync(Keys.Blocks(userKey), blockedKey));

    public Task<IReadOnlyList<string>> BlockedAsync(string userKey) =>
        Call<IReadOnlyList<string>>(async db =>
        {
            var keys = await db.SetMembersAsync(Keys.Blocks(userKey)).ConfigureAwait(false);
            // A deleted account's key stays in the sets of those who blocked it (there is no reverse
            // index to find them by): left out here, as the SQLite store deletes those rows.
            var names = await Task.WhenAll(keys.Select(k => db.HashGetAsync(Keys.User((string)k!), ["name", "state"]))).ConfigureAwait(false);
            return names.Where(n => !n[0].IsNull && n[1] != DeletedState).Select(n => (string)n[0]!).ToList();
        });

    public Task<bool> BlocksAsync(string userKey, string otherKey) =>
        Call(db => db.SetContainsAsync(Keys.Blocks(userKey), otherKey));

    /// <summary>
    /// Puts every user in the directory's index that is not in it: users registered by a Parley
    /// from before the index (the create-user script keeps both since). Costs two counts when they
    /// agree, which is every start but the first after an upgrade; ZADD of a member already there changes nothing.
    /// </summary>
    private Task FillUserIndexAsync() =>
        Call(async db =>
        {
            var users = await db.SetLengthAsync(Keys.Users()).ConfigureAwait(false);
            if (users == await db.SortedSetLengthAsync(Keys.UserIndex()).ConfigureAwait(false))
                return false;
            var batch = new List<SortedSetEntry>(1000);
            await foreach (var key in db.SetScanAsync(Keys.Users(), pageSize: 1000).ConfigureAwait(false))
            {
                batch.Add(new SortedSetEntry(key, 0));
                if (batch.Count == 1000)
                {
                    await db.SortedSetAddAsync(Keys.UserIndex(), [.. batch]).ConfigureAwait(false);
                    batch.Clear();
                }
            }
            if (batch.Count > 0)
                await db.SortedSetAddAsync(Keys.UserIndex(), [.. batch]).ConfigureAwait(false);
            return true;
        });

    private static Profile ToProfile(RedisValue name, RedisValue display, RedisValue status) =>
        new((string)name!, NoneIfEmpty(display), NoneIfEmpty(status));

    private static string? NoneIfEmpty(RedisValue value) => value.IsNullOrEmpty ? null : (string)value!;
}
