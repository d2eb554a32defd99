using System.Text.Json;
using Parley.Cli.Bench;
using Parley.Cli.Commands;
using Parley.Tests.Support;

namespace Parley.Tests.Bench;

/// <summary>`parley bench --proto redis` against a real redis-server: the same workloads over pub/sub.</summary>
public sealed class BenchRedisTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private async Task<JsonElement> RunAsync(string workload)
    {
        var settings = new BenchSettings
        {
            Workload = workload,
            Proto = BenchProto.Redis,
            Port = redis.Port,
            Receivers = 5,
            Senders = 2,
            Rooms = 4,
            Members = 3,
            Rate = 2000,
            Warmup = TimeSpan.FromMilliseconds(300),
            Duration = TimeSpan.FromSeconds(1),
            Room = "bench" + workload,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var output = new CapturedOutput();
        var error = new CapturedOutput();
        var exit = await BenchCommand.RunAsync(settings, output, error, terminal: false, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(exit == 0, $"exit {exit}: {error.Text}\n{output.Text}");
        using var document = JsonDocument.Parse(Assert.Single(output.Lines, l => l.StartsWith('{')));
        var result = document.RootElement.Clone();
        Assert.Equal("redis", result.GetProperty("proto").GetString());
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
