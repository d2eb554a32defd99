using System.Text.Json;
using Parley.Cli.Bench;
using Parley.Cli.Commands;
using Parley.Tests.Support;

namespace Parley.Tests.Bench;

/// <summary>
/// `parley bench` runs each workload for about a second against a real server and must report real
/// figures: deliveries, nothing lost or duplicated, and one JSON line with the fields. No timing
/// is asserted: the numbers depend on the machine.
/// </summary>
public sealed class BenchCommandTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static void AssertDelivered(JsonElement result)
    {
        foreach (var field in new[] { "deliveries_per_s", "p50_ms", "p90_ms", "p99_ms", "max_ms", "lost", "duplicated", "sent", "acked", "expected" })
            Assert.True(result.TryGetProperty(field, out _), $"no {field} in {result}");
        Assert.True(result.GetProperty("deliveries_per_s").GetDouble() > 0, result.ToString());
        Assert.True(result.GetProperty("sent").GetInt64() > 0, result.ToString());
        Assert.True(result.GetProperty("expected").GetInt64() > 0, result.ToString());
        Assert.Equal(0, result.GetProperty("lost").GetInt64());
        Assert.Equal(0, result.GetProperty("duplicated").GetInt64());
        Assert.True(result.GetProperty("p99_ms").GetDouble() > 0, result.ToString());
    }

    [Fact]
    public async Task Fanout_over_native_tcp_delivers_everything() =>
        AssertDelivered(await ShortBenchRun.RunAsync(ShortBenchRun.Settings("fanout", BenchProto.Native, _server.TcpPort)));

    [Fact]
    public async Task Fanout_flat_out_over_native_tcp_delivers_everything() =>
        AssertDelivered(await ShortBenchRun.RunAsync(ShortBenchRun.Settings("fanout", BenchProto.Native, _server.TcpPort) with { Rate = 0, UserPrefix = "flat" }));

    [Fact]
    public async Task Fanout_over_websocket_delivers_everything() =>
        AssertDelivered(await ShortBenchRun.RunAsync(ShortBenchRun.Settings("fanout", BenchProto.Ws, _server.Server.HttpEndpoint.Port) with { UserPrefix = "wsb" }));

    [Fact]
    public async Task Fanout_over_irc_with_accounts_made_over_native_delivers_everything() =>
        AssertDelivered(await ShortBenchRun.RunAsync(ShortBenchRun.Settings("fanout", BenchProto.Irc, _server.IrcPort) with
        {
            UserPrefix = "ircb",
            IrcPassword = "benchpass1",
            RegisterPort = _server.TcpPort,
        }));

    [Fact]
    public async Task Rooms_over_native_tcp_delivers_everything()
    {
        var result = await ShortBenchRun.RunAsync(ShortBenchRun.Settings("rooms", BenchProto.Native, _server.TcpPort) with { UserPrefix = "roomb" });
        AssertDelivered(result);
        Assert.Equal(4, result.GetProperty("params").GetProperty("rooms").GetInt32());
    }

    [Fact]
    public async Task Rooms_of_one_member_report_stored_messages_per_second()
    {
        var result = await ShortBenchRun.RunAsync(ShortBenchRun.Settings("rooms", BenchProto.Native, _server.TcpPort) with { UserPrefix = "solo", Members = 1, Rate = 0 });
        Assert.True(result.GetProperty("sent_per_s").GetDouble() > 0, result.ToString());
        Assert.Equal(0, result.GetProperty("expected").GetInt64());
        Assert.Equal(result.GetProperty("sent_total").GetInt64(), result.GetProperty("acked").GetInt64());
    }

    [Fact]
    public async Task Fanout_search_reports_its_steps()
    {
        var settings = ShortBenchRun.Settings("fanout", BenchProto.Native, _server.TcpPort) with
        {
            UserPrefix = "search",
            Search = true,
            Rate = 500,
            Duration = TimeSpan.FromMilliseconds(500),
            Warmup = TimeSpan.FromMilliseconds(200),
            P99Bound = TimeSpan.FromSeconds(5),
        };
        var result = await ShortBenchRun.RunAsync(settings);
        // Stopped by the step limit or the bound; the point is that steps ran and were reported.
        Assert.NotEmpty(result.GetProperty("steps").EnumerateArray());
    }

    [Fact]
    public async Task A_search_fails_every_step_whose_slowest_delivery_passes_the_max_bound()
    {
        // No delivery takes under a microsecond: every step fails on its maximum alone, however
        // loose the p99 bound, and the search halves the rate each time until it gives up.
        var settings = ShortBenchRun.Settings("rooms", BenchProto.Native, _server.TcpPort) with
        {
            UserPrefix = "maxbound",
            Search = true,
            Rate = 64,
            Duration = TimeSpan.FromMilliseconds(500),
            Warmup = TimeSpan.FromMilliseconds(200),
            P99Bound = TimeSpan.FromSeconds(5),
            MaxBound = TimeSpan.FromMicroseconds(1),
        };
        var result = await ShortBenchRun.RunAsync(settings);
        var steps = result.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal([64.0, 32, 16, 8, 4, 2, 1], steps.Select(step => step.GetProperty("rate").GetDouble()));
        // On a loaded machine a half-second step can measure nothing; some step measures a delivery.
        Assert.Contains(steps, step => step.GetProperty("max_ms").GetDouble() > 0.001);
        Assert.Equal(0.001, result.GetProperty("params").GetProperty("max_bound_ms").GetDouble());
    }

    [Fact]
    public async Task Idle_reports_connect_time_and_the_server_memory()
    {
        // A server of its own process, so its memory is its own; found by its listening port.
        var data = TempDirectory.Create();
        try
        {
            await using var server = await ServerProcess.StartAsync(data);
            var result = await ShortBenchRun.RunAsync(ShortBenchRun.Settings("idle", BenchProto.Native, server.TcpPort));
            Assert.Equal(20, result.GetProperty("connections").GetInt32());
            Assert.True(result.GetProperty("connect_seconds").GetDouble() > 0);
            Assert.True(result.GetProperty("rss_bytes_before").GetInt64() > 0, result.ToString());
            Assert.True(result.GetProperty("rss_bytes_after").GetInt64() > 0, result.ToString());
            Assert.Equal(JsonValueKind.Number, result.GetProperty("bytes_per_connection").ValueKind);
            // Ten of the twenty signed in first, and the server was read before the rest came.
            var warm = result.GetProperty("rss_bytes_warm").GetInt64();
            Assert.InRange(warm, 1, result.GetProperty("rss_bytes_after").GetInt64() + (1 << 20));
            Assert.Equal(JsonValueKind.Number, result.GetProperty("marginal_bytes_per_connection").ValueKind);
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }
}
