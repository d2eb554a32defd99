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

    private static BenchSettings Short(string workload, BenchProto proto, int port) => new()
    {
        Workload = workload,
        Proto = proto,
        Port = port,
        Receivers = 5,
        Senders = 2,
        Rooms = 4,
        Members = 3,
        Connections = 20,
        Rate = 2000,
        Warmup = TimeSpan.FromMilliseconds(300),
        Duration = TimeSpan.FromSeconds(1),
        Settle = TimeSpan.FromMilliseconds(200),
        Timeout = TimeSpan.FromSeconds(60),
    };

    private static async Task<JsonElement> RunAsync(BenchSettings settings)
    {
        var output = new CapturedOutput();
        var error = new CapturedOutput();
        var exit = await BenchCommand.RunAsync(settings, output, error, terminal: false, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(exit == 0, $"exit {exit}: {error.Text}\n{output.Text}");
        var json = Assert.Single(output.Lines, l => l.StartsWith('{'));
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement.Clone();
        Assert.Equal(settings.Workload, root.GetProperty("workload").GetString());
        Assert.Equal(settings.Proto.Name(), root.GetProperty("proto").GetString());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("params").ValueKind);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("cpus").GetString()));
        Assert.Equal(0, root.GetProperty("errors").GetInt64());
        Assert.Contains("parley bench " + settings.Workload, output.Text);
        return root;
    }

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
        AssertDelivered(await RunAsync(Short("fanout", BenchProto.Native, _server.TcpPort)));

    [Fact]
    public async Task Fanout_flat_out_over_native_tcp_delivers_everything() =>
        AssertDelivered(await RunAsync(Short("fanout", BenchProto.Native, _server.TcpPort) with { Rate = 0, UserPrefix = "flat" }));

    [Fact]
    public async Task Fanout_over_websocket_delivers_everything() =>
        AssertDelivered(await RunAsync(Short("fanout", BenchProto.Ws, _server.Server.HttpEndpoint.Port) with { UserPrefix = "wsb" }));

    [Fact]
    public async Task Fanout_over_irc_with_accounts_made_over_native_delivers_everything() =>
        AssertDelivered(await RunAsync(Short("fanout", BenchProto.Irc, _server.IrcPort) with
        {
            UserPrefix = "ircb",
            IrcPassword = "benchpass1",
            RegisterPort = _server.TcpPort,
        }));

    [Fact]
    public async Task Rooms_over_native_tcp_delivers_everything()
    {
        var result = await RunAsync(Short("rooms", BenchProto.Native, _server.TcpPort) with { UserPrefix = "roomb" });
        AssertDelivered(result);
        Assert.Equal(4, result.GetProperty("params").GetProperty("rooms").GetInt32());
    }

    [Fact]
    public async Task Rooms_of_one_member_report_stored_messages_per_second()
    {
        var result = await RunAsync(Short("rooms", BenchProto.Native, _server.TcpPort) with { UserPrefix = "solo", Members = 1, Rate = 0 });
        Assert.True(result.GetProperty("sent_per_s").GetDouble() > 0, result.ToString());
        Assert.Equal(0, result.GetProperty("expected").GetInt64());
        Assert.Equal(result.GetProperty("sent_total").GetInt64(), result.GetProperty("acked").GetInt64());
    }

    [Fact]
    public async Task Fanout_search_reports_its_steps()
    {
        var settings = Short("fanout", BenchProto.Native, _server.TcpPort) with
        {
            UserPrefix = "search",
            Search = true,
            Rate = 500,
            Duration = TimeSpan.FromMilliseconds(500),
            Warmup = TimeSpan.FromMilliseconds(200),
            P99Bound = TimeSpan.FromSeconds(5),
        };
        var output = new CapturedOutput();
        var exit = await BenchCommand.RunAsync(settings, output, new CapturedOutput(), terminal: false, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(0, exit);
        // Stopped by the step limit or the bound; the point is that steps ran and were reported.
        using var document = JsonDocument.Parse(Assert.Single(output.Lines, l => l.StartsWith('{')));
        Assert.NotEmpty(document.RootElement.GetProperty("steps").EnumerateArray());
    }

    [Fact]
    public async Task Idle_reports_connect_time_and_the_server_memory()
    {
        // A server of its own process, so its memory is its own; found by its listening port.
        var data = TempDirectory.Create();
        try
        {
            await using var server = await ServerProcess.StartAsync(data);
            var result = await RunAsync(Short("idle", BenchProto.Native, server.TcpPort));
            Assert.Equal(20, result.GetProperty("connections").GetInt32());
            Assert.True(result.GetProperty("connect_seconds").GetDouble() > 0);
            Assert.True(result.GetProperty("rss_bytes_before").GetInt64() > 0, result.ToString());
            Assert.True(result.GetProperty("rss_bytes_after").GetInt64() > 0, result.ToString());
            Assert.Equal(JsonValueKind.Number, result.GetProperty("bytes_per_connection").ValueKind);
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }
}
