using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Cli.Bench;
using Parley.Core.Hub;
using Parley.Tests.Support;

namespace Parley.Tests.Bench;

/// <summary>
/// `parley bench --servers A,B` against two real Parley nodes on one real redis-server: the
/// connections are spread over both (account i on node i mod 2), every message still reaches
/// every receiver, and deliveries from a sender on the other node are reported apart.
/// </summary>
public sealed class BenchTwoNodesTests : TwoRedisNodes
{
    private BenchSettings Settings(string workload, string prefix) =>
        ShortBenchRun.Settings(workload, BenchProto.Native, A.TcpPort) with
        {
            UserPrefix = prefix,
            Servers = [new DnsEndPoint("127.0.0.1", A.TcpPort), new DnsEndPoint("127.0.0.1", B.TcpPort)],
        };

    /// <summary>Runs the bench while watching that account 0 is on node a and account 1 on node b, and only there.</summary>
    private async Task<JsonElement> RunSpreadAsync(BenchSettings settings)
    {
        var hubA = A.Server.Services.GetRequiredService<ChatHub>();
        var hubB = B.Server.Services.GetRequiredService<ChatHub>();
        string first = settings.UserPrefix + "0", second = settings.UserPrefix + "1";
        var run = ShortBenchRun.RunAsync(settings);
        var spread = false;
        await Until.TrueAsync(() =>
        {
            spread |= hubA.LocalSessions(first).Count == 1 && hubB.LocalSessions(first).Count == 0
                && hubB.LocalSessions(second).Count == 1 && hubA.LocalSessions(second).Count == 0;
            return spread || run.IsCompleted;
        }, "the bench's first two accounts are signed in, one on each node", TimeSpan.FromSeconds(100));
        var result = await run;
        Assert.True(spread, "account 0 was not seen on node a alone and account 1 on node b alone while the bench ran");

        var servers = result.GetProperty("params").GetProperty("servers").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal([$"127.0.0.1:{A.TcpPort}", $"127.0.0.1:{B.TcpPort}"], servers);
        Assert.True(result.GetProperty("expected").GetInt64() > 0, result.ToString());
        Assert.Equal(0, result.GetProperty("lost").GetInt64());
        Assert.Equal(0, result.GetProperty("duplicated").GetInt64());
        var cross = result.GetProperty("cross_node");
        Assert.True(cross.GetProperty("deliveries").GetInt64() > 0, result.ToString());
        Assert.True(cross.GetProperty("p99_ms").GetDouble() > 0, result.ToString());
        Assert.Equal(2, result.GetProperty("nodes").GetArrayLength());
        return result;
    }

    [Fact]
    public async Task Fanout_over_two_nodes_reaches_every_receiver_and_reports_cross_node_latency()
    {
        // --cpu-pids: any process will do; this one is certainly there.
        var result = await RunSpreadAsync(Settings("fanout", "twofan") with { CpuPids = [Environment.ProcessId] });
        var other = Assert.Single(result.GetProperty("other_cpu").EnumerateArray());
        Assert.Equal(Environment.ProcessId, other.GetProperty("pid").GetInt32());
        Assert.Equal(JsonValueKind.Number, other.GetProperty("cpu").ValueKind);
        // 2 senders (one per node) to 5 receivers (accounts 2..6: three on node a, two on b): 5 of
        // the 10 (sender, receiver) pairs cross, so about half of the deliveries do.
        var latencies = result.GetProperty("expected").GetInt64();
        Assert.InRange(result.GetProperty("cross_node").GetProperty("deliveries").GetInt64(), latencies / 4, latencies * 3 / 4);
    }

    [Fact]
    public Task Rooms_over_two_nodes_reach_every_member_and_report_cross_node_latency() =>
        RunSpreadAsync(Settings("rooms", "tworoom"));
}
