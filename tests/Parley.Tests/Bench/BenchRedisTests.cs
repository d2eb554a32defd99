using System.Text.Json;
using Parley.Cli.Bench;
using Parley.Tests.Support;

namespace Parley.Tests.Bench;

/// <summary>`parley bench --proto redis` against a real redis-server: the same workloads over pub/sub.</summary>
public sealed class BenchRedisTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private async Task<JsonElement> RunAsync(string workload)
    {
        var result = await ShortBenchRun.RunAsync(ShortBenchRun.Settings(workload, BenchProto.Redis, redis.Port) with { Room = "bench" + workload });
        Assert.True(result.GetProperty("deliveries_per_s").GetDouble() > 0, result.ToString());
        Assert.True(result.GetProperty("expected").GetInt64() > 0, result.ToString());
        Assert.Equal(0, result.GetProperty("lost").GetInt64());
        Assert.Equal(0, result.GetProperty("duplicated").GetInt64());
        Assert.Equal(0, result.GetProperty("errors").GetInt64());
        return result;
    }

    [Fact]
    public Task Fanout_over_redis_pubsub_delivers_everything() => RunAsync("fanout");

    [Fact]
    public Task Rooms_over_redis_pubsub_delivers_everything() => RunAsync("rooms");
}
