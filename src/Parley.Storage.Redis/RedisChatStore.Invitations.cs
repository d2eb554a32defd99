using Parley.Core.Storage;
using StackExchange.Redis;

namespace Parley.Storage.Redis;

public sealed partial class RedisChatStore
{
    /// <summary>KEYS: 1 invitation. ARGV: 1 uses, 2 created (Unix ms), 3 expires (Unix ms, or empty), 4 key lifetime (ms, or empty).</summary>
    private const string SaveInvitationScript = """
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'uses', ARGV[1], 'created', ARGV[2])
        if ARGV[3] ~= '' then
          redis.call('HSET', KEYS[1], 'expires', ARGV[3])
          redis.call('PEXPIRE', KEYS[1], ARGV[4])
        end
        return 0
        """;

    /// <summary>KEYS: 1 invitation. ARGV: 1 now (Unix ms). 1 when a use was taken.</summary>
    private const string UseInvitationScript = """
        local uses = tonumber(redis.call('HGET', KEYS[1], 'uses'))
        if not uses then return 0 end
        local expires = redis.call('HGET', KEYS[1], 'expires')
        local valid = uses > 0 and (not expires or tonumber(expires) > tonumber(ARGV[1]))
        if not valid or uses == 1 then
          redis.call('DEL', KEYS[1])
        else
          redis.call('HINCRBY', KEYS[1], 'uses', -1)
        end
        if valid then return 1 end
        return 0
        """;

    /// <summary>An invitation that expires also has its key expire then (counted from now), so unused ones do not stay.</summary>
    public Task SaveInvitationAsync(Invitation invitation) =>
        Script(SaveInvitationScript, [Keys.Invitation(invitation.CodeHash)],
        [
            invitation.Uses, invitation.Created.ToUnixTimeMilliseconds(),
            invitation.Expires is { } expires ? (RedisValue)expires.ToUnixTimeMilliseconds() : "",
            invitation.Expires is { } until ? (RedisValue)KeyLifetime(until - invitation.Created) : "",
        ]);

    public async Task<bool> TryUseInvitationAsync(string codeHash, DateTimeOffset now) =>
        (long)await Script(UseInvitationScript, [Keys.Invitation(codeHash)], [now.ToUnixTimeMilliseconds()]).ConfigureAwait(false) == 1;

    public Task<bool> DeleteInvitationAsync(string codeHash) =>
        Call(db => db.KeyDeleteAsync(Keys.Invitation(codeHash)));
}
