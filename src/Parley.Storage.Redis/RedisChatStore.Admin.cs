using System.Text.Json;
using Parley.Core.Model;
using StackExchange.Redis;

namespace Parley.Storage.Redis;

/// <summary>
/// Revoking, disabling, deleting and listing accounts. Tokens are not indexed by user: each holds
/// the user's token epoch (a field of the user's hash) from when it was saved, and revoking them
/// all moves the epoch on, in one write whatever their number. A revoked token's key stays until
/// it is presented again or deleted by logout.
/// </summary>
public sealed partial class RedisChatStore
{
    /// <summary>KEYS: 1 token, 2 user hash. ARGV: 1 user key, 2 created (Unix ms), 3 idle lifetime (ms).</summary>
    private const string SaveTokenScript = """
        local epoch = redis.call('HGET', KEYS[2], 'token_epoch') or '0'
        redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. epoch .. ' ' .. ARGV[2], 'PX', ARGV[3])
        return 0
        """;

    /// <summary>
    /// KEYS: 1 token. ARGV: 1 used (Unix ms), 2 idle lifetime (ms). The token keeps its user and
    /// epoch (a revoked one stays revoked); a token gone meanwhile is not made again.
    /// </summary>
    private const string TouchTokenScript = """
        local value = redis.call('GET', KEYS[1])
        if not value then return 0 end
        local user, epoch = string.match(value, '^(%S+) (%S+)')
        if not user then user = value; epoch = '0' end
        redis.call('SET', KEYS[1], user .. ' ' .. epoch .. ' ' .. ARGV[1], 'PX', ARGV[2])
        return 1
        """;

    /// <summary>KEYS: 1 user hash. ARGV: 1 state. 1 when set, 0 when there is no such account or it is deleted.</summary>
    private const string SetStateScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HGET', KEYS[1], 'state') == '2' then return 0 end
        redis.call('HSET', KEYS[1], 'state', ARGV[1])
        return 1
        """;

    /// <summary>
    /// KEYS: 1 user hash, 2 user's rooms, 3 reads, 4 read times, 5 directs, 6 profile, 7 blocks. ARGV: 1 user key,
    /// 2 the members key of a room without its room key. The members keys are built here from the
    /// user's rooms: Parley runs on one Redis, not Redis Cluster (docs/redis.md).
    /// </summary>
    private const string DeleteUserScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HGET', KEYS[1], 'state') == '2' then return 0 end
        for _, room in ipairs(redis.call('SMEMBERS', KEYS[2])) do
          redis.call('SREM', ARGV[2] .. room, ARGV[1])
        end
        redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7])
        redis.call('HSET', KEYS[1], 'state', '2', 'password_hash', '')
        redis.call('HINCRBY', KEYS[1], 'token_epoch', 1)
        return 1
        """;


    /// <summary>
    /// A history page from stream entries (up to one past the page) and the conversation's
    /// tombstones: those with a seq strictly between <paramref name="low"/> and <paramref name="high"/>
    /// (the range the entries cover) go in where their entries were.
    /// </summary>
    private static HistoryPage Page(string conversation, StreamEntry[] entries, HashEntry[] removed, long low, long high, int limit, bool descending)
    {
        var messages = entries.Select(entry => ToMessage(conversation, entry)).ToList();
        foreach (var tombstone in removed)
        {
            var seq = (long)tombstone.Name;
            if (seq > low && seq < high)
                messages.Add(ToMessage(conversation, seq, Fields((string)tombstone.Value!)));
        }
        if (removed.Length > 0)
            messages.Sort((a, b) => descending ? b.Seq.CompareTo(a.Seq) : a.Seq.CompareTo(b.Seq));
        var more = messages.Count > limit;
        if (more)
            messages.RemoveRange(limit, messages.Count - limit);
        return new HistoryPage(messages, more);
    }

    /// <summary>A tombstone's fields: the JSON array of names and values the remove script wrote.</summary>
    private static List<(string, string?)> Fields(string json)
    {
        using var document = JsonDocument.Parse(json);
        var items = document.RootElement.EnumerateArray().Select(e => e.GetString()).ToList();
        var fields = new List<(string, string?)>(items.Count / 2);
        for (var i = 0; i + 1 < items.Count; i += 2)
            fields.Add((items[i]!, items[i + 1]));
        return fields;
    }

    public Task RevokeTokensAsync(string userKey) =>
        Call(db => db.HashIncrementAsync(Keys.User(userKey), "token_epoch"));

    public async Task<bool> SetAccountStateAsync(string userKey, AccountState state) =>
        (long)await Script(SetStateScript, [Keys.User(userKey)], [(int)state]).ConfigureAwait(false) == 1;

    public async Task<bool> DeleteUserAsync(string userKey)
    {
        if ((long)await Script(DeleteUserScript,
                [Keys.User(userKey), Keys.UserRooms(userKey), Keys.Reads(userKey), Keys.ReadTimes(userKey), Keys.Directs(userKey), Keys.Profile(userKey), Keys.Blocks(userKey)],
                [userKey, Keys.MembersPrefix]).ConfigureAwait(false) == 0)
            return false;
        // Its uploads never sent, found among all the unsent ones (few: each lives a day at most).
        await ForgetUnsentFilesAsync(DateTimeOffset.MaxValue, ownerKey: userKey).ConfigureAwait(false);
        return true;
    }

    /// <summary>Scans the set of every user: for the operator's listing, not for a hot path.</summary>
    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(string keyPrefix, string? afterKey, int limit) =>
        Call<IReadOnlyList<UserRecord>>(async db =>
        {
            var keys = new List<string>();
            await foreach (var member in db.SetScanAsync(Keys.Users(), pageSize: 1000).ConfigureAwait(false))
            {
                var key = (string)member!;
                if (key.StartsWith(keyPrefix, StringComparison.Ordinal) && string.CompareOrdinal(key, afterKey ?? "") > 0)
                    keys.Add(key);
            }
            keys.Sort(StringComparer.Ordinal);
            var users = new List<UserRecord>();
            foreach (var key in keys)
            {
                if (users.Count == limit)
                    break;
                var fields = (await db.HashGetAllAsync(Keys.User(key)).ConfigureAwait(false)).ToDictionary();
                if (fields.Count == 0 || StateOf(fields) == AccountState.Deleted)
                    continue;
                users.Add(new UserRecord((string)fields["name"]!, (string)fields["password_hash"]!, ToTime(fields["created"])) { State = StateOf(fields) });
            }
            return users;
        });

    private static AccountState StateOf(Dictionary<RedisValue, RedisValue> fields) =>
        fields.TryGetValue("state", out var state) ? (AccountState)(int)state : AccountState.Active;
}
