using Parley.Core.Model;
using Parley.Core.Storage;
using Parley.Storage.Redis;
using Parley.Tests.Support;
using StackExchange.Redis;

namespace Parley.Tests.Storage;

/// <summary>What the Redis store does while Redis is gone and when it comes back. Each test has its own redis-server.</summary>
public sealed class RedisOutageTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Only ends a call that hangs, so that it fails the test instead of stalling it; never a
    /// measure of speed. (A call fails after its 2 s operation timeout.)
    /// </summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private static RedisChatStore NewStore(string endpoint) =>
        new(new RedisStoreOptions { Configuration = endpoint, KeyPrefix = "outage:" });

    private static NewMessage Message(string text) =>
        new(Guid.NewGuid().ToString("N"), ConversationKey.ForRoom("lobby"), T0, "alice", "lobby", null, text);

    /// <summary>
    /// The call fails on its own, with the store's exception around the Redis client's own
    /// timeout or connection failure. Callers keep Redis away until it has failed: a store that
    /// waited for Redis to come back instead would run into <see cref="HangGuard"/>
    /// (a TimeoutException, not the expected exception).
    /// </summary>
    private static async Task<StoreUnavailableException> FailsWhileRedisIsAway(Func<Task> call)
    {
        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => call().WaitAsync(HangGuard));
        Assert.True(failure.InnerException is RedisTimeoutException or RedisConnectionException,
            $"failed for another reason: {failure.InnerException}");
        return failure;
    }

    [Fact]
    public async Task Calls_fail_clearly_while_Redis_is_down_and_work_again_when_it_returns()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var store = NewStore(redis.Endpoint);
        await store.InitializeAsync("lobby", T0);
        Assert.True(await store.TryCreateUserAsync(new UserRecord("alice", "hash", T0), "lobby"));
        await store.AppendAsync(Message("one"));
        await store.AppendAsync(Message("two"));

        await redis.StopAsync();
        var failure = await FailsWhileRedisIsAway(() => store.FindUserAsync("alice"));
        Assert.StartsWith($"Redis at {redis.Endpoint} is unreachable", failure.Message);
        await FailsWhileRedisIsAway(() => store.AppendAsync(Message("while down")));
        await FailsWhileRedisIsAway(() => store.ConversationsAsync("alice"));

        // Only now, after every call above has failed, does Redis come back.
        await redis.StartAgainAsync();
        await Until.TrueAsync(async () =>
        {
            try
            {
                return await store.FindUserAsync("alice") is not null;
            }
            catch (StoreUnavailableException)
            {
                return false;
            }
        }, "the same store reaches Redis again", TimeSpan.FromSeconds(20));

        // Everything acknowledged before the crash is there, and numbering goes on after it.
        var history = await store.HistoryAsync(ConversationKey.ForRoom("lobby"), null, 10);
        var oldest = history.Messages.Reverse().Take(2).ToList();
        Assert.Equal([(1L, "one"), (2L, "two")], oldest.Select(m => (m.Seq, m.Text)));
        var next = await store.AppendAsync(Message("three"));
        Assert.Equal(history.Messages[0].Seq + 1, next.Seq);
        var lobby = Assert.Single(await store.ConversationsAsync("alice"));
        Assert.Equal(next.Seq, lobby.LastSeq);
    }

    [Fact]
    public async Task Initializing_without_a_reachable_Redis_fails_clearly()
    {
        var endpoint = $"127.0.0.1:{FreePort.Tcp()}";
        await using var store = NewStore(endpoint);
        // Nothing ever listens there, so only giving up can end the call.
        var failure = await FailsWhileRedisIsAway(() => store.InitializeAsync("lobby", T0));
        Assert.StartsWith($"Redis at {endpoint} is unreachable", failure.Message);
    }
}
