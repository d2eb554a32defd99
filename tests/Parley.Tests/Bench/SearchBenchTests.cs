using System.Text.Json;
using Parley.Cli.Commands;
using Parley.Tests.Support;

namespace Parley.Tests.Bench;

/// <summary>`parley bench search` on both stores, small: the Redis store against a real redis-server.</summary>
public sealed class SearchBenchTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static async Task<JsonElement> RunAsync(SearchBenchCommand.Settings settings)
    {
        var output = new StringWriter();
        Assert.Equal(0, await SearchBenchCommand.RunAsync(settings, output));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return JsonDocument.Parse(lines[^1]).RootElement;
    }

    private static double[] Hits(JsonElement result) =>
        result.GetProperty("kinds").EnumerateArray().Select(k => k.GetProperty("hits").GetDouble()).ToArray();

    [Fact]
    public async Task Redis_finds_what_sqlite_finds_when_every_message_is_in_its_scan_window_and_a_second_run_reuses_the_store()
    {
        var data = TempDirectory.Create();
        try
        {
            // 150 messages a room: inside Redis's window (200 a room for 5 rooms), and fewer than
            // SQLite's first search indexes, so both stores see every message the same seed made.
            var sqliteSettings = new SearchBenchCommand.Settings(data, Messages: 1500, Conversations: 10, MemberOf: 5, Queries: 20, Limit: 20, JsonOnly: true);
            var redisSettings = sqliteSettings with { Store = "redis", Redis = redis.Endpoint };
            var sqlite = await RunAsync(sqliteSettings);
            var onRedis = await RunAsync(redisSettings);
            Assert.Equal(("sqlite", "redis"), (sqlite.GetProperty("store").GetString(), onRedis.GetProperty("store").GetString()));
            Assert.True(sqlite.GetProperty("database_mib").GetDouble() > 0);
            Assert.True(onRedis.GetProperty("redis_used_mib").GetDouble() > 0);
            Assert.True(onRedis.TryGetProperty("build_s", out _));
            Assert.Equal(8, Hits(onRedis).Length);
            Assert.Contains(Hits(onRedis), h => h > 0);
            Assert.Equal(Hits(sqlite), Hits(onRedis));

            var again = await RunAsync(redisSettings);
            Assert.False(again.TryGetProperty("build_s", out _));
            Assert.Equal(1500, again.GetProperty("messages").GetInt32());
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }
}
