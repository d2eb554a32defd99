using Parley.Core.Storage;
using Parley.Storage.Redis;
using Parley.Tests.Support;

namespace Parley.Tests.Storage;

/// <summary>
/// The store contract on Redis. One redis-server serves the class; each test has its own key
/// prefix (from its own directory), so tests share no keys, and reopening on the same directory
/// reaches the same keys.
/// </summary>
public sealed class RedisChatStoreTests(RedisServer redis) : ChatStoreContract, IClassFixture<RedisServer>
{
    protected override IChatStore CreateStore(string directory) =>
        new RedisChatStore(new RedisStoreOptions
        {
            Configuration = redis.Endpoint,
            KeyPrefix = $"test-{Path.GetFileName(directory)}:",
        });
}
