using Parley.Core.Model;
using Parley.Storage.Redis;
using Parley.Tests.Support;
using StackExchange.Redis;

namespace Parley.Tests.Storage;

/// <summary>The Redis store's directory index (<see cref="RedisKeys.UserIndex"/>) for users registered before it existed.</summary>
public sealed class RedisUserIndexTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 6, 0, 0, TimeSpan.Zero);

    private RedisChatStore NewStore(string prefix) =>
        new(new RedisStoreOptions { Configuration = redis.Endpoint, KeyPrefix = prefix });

    [Fact]
    public async Task Users_registered_before_the_index_are_in_the_directory_after_a_restart()
    {
        var prefix = $"test-index-{Guid.NewGuid():N}:";
        await using (var store = NewStore(prefix))
        {
            await store.InitializeAsync("lobby", T0);
            foreach (var name in new[] { "Alice", "bob", "alfred" })
                Assert.True(await store.TryCreateUserAsync(new UserRecord(name, "hash", T0), "lobby"));
            Assert.Equal(["alfred", "Alice"], (await store.SearchUsersAsync("al", null, 10)).Select(p => p.User));
            // As a Parley from before the index left it: users, and no index.
            Assert.True(await store.Connection.GetDatabase().KeyDeleteAsync(store.Keys.UserIndex()));
            Assert.Empty(await store.SearchUsersAsync("al", null, 10));
        }

        await using var restarted = NewStore(prefix);
        await restarted.InitializeAsync("lobby", T0);
        Assert.Equal(["alfred", "Alice", "bob"], (await restarted.SearchUsersAsync("", null, 10)).Select(p => p.User));
        Assert.Equal(3, await restarted.Connection.GetDatabase().SortedSetLengthAsync(restarted.Keys.UserIndex()));
    }
}
