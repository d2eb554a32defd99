using System.Diagnostics;
using System.Text.Json;
using Parley.Tests.Support;
using StackExchange.Redis;

namespace Parley.Tests.Cluster;

/// <summary>
/// A node stopped outright (SIGSTOP, as a VM pause or a long GC does) and resumed: its own process
/// is real, so that the stall is real, while the other node runs in the test.
/// </summary>
public sealed class StalledNodeTests : IAsyncLifetime
{
    private static readonly TimeSpan PresenceTtl = TimeSpan.FromSeconds(2);

    private RedisNodes _nodes = null!;
    private TestServer _a = null!;

    public async Task InitializeAsync()
    {
        _nodes = await RedisNodes.StartAsync();
        _a = await _nodes.StartNodeAsync("a", new() { ["PresenceTtl"] = PresenceTtl.ToString() });
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _nodes.DisposeAsync();
    }

    private Task<ServerProcess> StartProcessNodeAsync(string node) =>
        ServerProcess.StartAsync(_nodes.NewDirectory(), new Dictionary<string, string>
        {
            ["PARLEY_STORE"] = "Redis",
            // Named, so that the test can find its connections in Redis's client list.
            ["PARLEY_REDIS"] = $"{_nodes.Redis.Endpoint},name={node}",
            ["PARLEY_REDISPREFIX"] = _nodes.Prefix,
            ["PARLEY_NODEID"] = node,
            ["PARLEY_PRESENCETTL"] = PresenceTtl.ToString(),
        });

    private static bool Is(JsonElement e, string user, bool online) =>
        e.GetProperty("user").GetString() == user && e.GetProperty("online").GetBoolean() == online;

    private static async Task<string[]> OnlineAsync(ProtocolClient client) =>
        (await client.OkAsync("online")).GetProperty("users").EnumerateArray().Select(u => u.GetString()!).ToArray();

    private static async Task SignalAsync(ServerProcess node, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", node.Pid.ToString()])!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>
    /// Redis drops the stopped node's subscription, as it drops any subscriber that stops reading
    /// (its output buffer limit for pub/sub clients), or as a network hiccup does: what is
    /// published until the node subscribes again never reaches it.
    /// </summary>
    private async Task DropSubscriptionAsync(string node)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"{_nodes.Redis.Endpoint},allowAdmin=true");
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var subscriptions = (await server.ClientListAsync()).Where(c => c.Name == node && c.SubscriptionCount > 0).ToList();
        Assert.NotEmpty(subscriptions);
        foreach (var client in subscriptions)
            await server.ClientKillAsync(client.Id);
    }

    [Fact]
    public async Task A_node_stalled_past_its_lease_shows_the_presence_changes_made_meanwhile_on_the_other_node()
    {
        await using var stalled = await StartProcessNodeAsync("stalled");
        await using var alice = await _a.RegisterAsync("alice");
        var dave = await _a.RegisterAsync("dave");
        await (await _a.RegisterAsync("erin")).DisposeAsync();
        await using var bob = await stalled.ConnectAsync();
        await bob.OkAsync("register", new { user = "bob", password = "password1" });
        await alice.NextAsync("presence", e => Is(e, "bob", true));
        await Until.TrueAsync(async () => (await OnlineAsync(bob)).SequenceEqual(["alice", "bob", "dave"]), "the stalled-to-be node shows alice and dave online, erin not");

        await using var erin = await _a.ConnectAsync();
        await SignalAsync(stalled, "STOP");
        try
        {
            // While it is stopped: dave goes, erin comes, and node a takes the stalled node for dead
            // (its lease ran out), so that when it wakes it has missed time, not just a few events.
            await DropSubscriptionAsync("stalled");
            await dave.DisposeAsync();
            await erin.OkAsync("login", new { user = "erin", password = "password1" });
            await alice.NextAsync("presence", e => Is(e, "bob", false), TimeSpan.FromSeconds(30));
        }
        finally
        {
            await SignalAsync(stalled, "CONT");
        }

        // Its sessions hear of both changes, as any presence change of another node; a generous wait,
        // only so that a view never put right fails the test instead of hanging it.
        await bob.NextAsync("presence", e => Is(e, "dave", false), TimeSpan.FromSeconds(30));
        await bob.NextAsync("presence", e => Is(e, "erin", true), TimeSpan.FromSeconds(30));
        Assert.Equal(["alice", "bob", "erin"], await OnlineAsync(bob));
        // And the awake node is back in node a's view.
        await alice.NextAsync("presence", e => Is(e, "bob", true), TimeSpan.FromSeconds(30));
        Assert.Equal(["alice", "bob", "erin"], await OnlineAsync(alice));
    }
}
