using Parley.Core.Model;
using Parley.Storage.Redis;
using Parley.Tests.Support;

namespace Parley.Tests.Cluster;

/// <summary>
/// A node behind the store: a message of another node's reached Redis but not this node (its
/// subscription was down, or it was stopped), and it delivers it only when it catches up. A client
/// that moved to it from the node it had the message from live must not get it live again.
/// </summary>
public sealed class LaggingNodeTests : IAsyncLifetime
{
    private RedisNodes _nodes = null!;
    private TestServer _node = null!;
    private RedisChatStore _otherNode = null!;

    public async Task InitializeAsync()
    {
        _nodes = await RedisNodes.StartAsync();
        _node = await _nodes.StartNodeAsync("b");
        // Another node's store, without its backplane: what it appends reaches Redis and not node b,
        // as pub/sub drops what is published while a node's subscription is down.
        _otherNode = new RedisChatStore(new RedisStoreOptions { Configuration = _nodes.Redis.Endpoint, KeyPrefix = _nodes.Prefix });
        await _otherNode.InitializeAsync("lobby", DateTimeOffset.UtcNow);
    }

    public async Task DisposeAsync()
    {
        await _otherNode.DisposeAsync();
        await _node.DisposeAsync();
        await _nodes.DisposeAsync();
    }

    [Fact]
    public async Task A_client_resuming_on_a_node_behind_the_store_gets_what_the_reply_counted_only_from_history()
    {
        await using var alice = await _node.RegisterAsync("alice");
        var carolFirst = await _node.ConnectAsync();
        var token = (await carolFirst.OkAsync("register", new { user = "carol", password = "password1" })).GetProperty("token").GetString();
        await alice.OkAsync("send", new { room = "lobby", text = "before" });
        await carolFirst.NextAsync("message", m => m.GetProperty("text").GetString() == "before");
        await carolFirst.DisposeAsync();

        // Said on the other node, where carol had it live before she moved here; this node missed it.
        var missed = await _otherNode.AppendAsync(new NewMessage(Guid.NewGuid().ToString("N"), ConversationKey.ForRoom("lobby"), DateTimeOffset.UtcNow, "dave", "lobby", null, "said elsewhere"));

        await using var carol = await _node.ConnectAsync();
        var resumed = await carol.OkAsync("resume", new { token });
        var lastSeq = resumed.GetProperty("rooms").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "lobby").GetProperty("lastSeq").GetInt64();
        Assert.Equal(missed.Seq, lastSeq);

        // The next message here shows the node the gap; it fetches the missed one from the store and
        // delivers both, in order, to those who were here before the reply.
        await alice.OkAsync("send", new { room = "lobby", text = "after" });
        await alice.NextAsync("message", m => m.GetProperty("text").GetString() == "said elsewhere");
        var late = await carol.NextAsync("message", m => m.GetProperty("text").GetString() == "after");
        Assert.Equal(missed.Seq + 1, late.GetProperty("seq").GetInt64());
        Assert.True(carol.HasNo("message", m => m.GetProperty("seq").GetInt64() <= lastSeq),
            "carol got live a message the resume reply had counted in lastSeq (she had it live on the other node)");
        var history = await carol.OkAsync("history", new { room = "lobby" });
        Assert.Contains(history.GetProperty("messages").EnumerateArray(), m => m.GetProperty("text").GetString() == "said elsewhere");
    }
}
