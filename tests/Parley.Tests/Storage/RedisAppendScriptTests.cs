using System.Text.Json;
using Parley.Core.Model;
using Parley.Storage.Redis;
using Parley.Tests.Support;
using StackExchange.Redis;

namespace Parley.Tests.Storage;

/// <summary>
/// The append script's publishing, seen by an independent subscriber, and its numbering when
/// several stores (as several Parley processes would) append to one conversation at once.
/// </summary>
public sealed class RedisAppendScriptTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, 123, TimeSpan.Zero);

    private readonly string _prefix = $"append-{Guid.NewGuid():N}:";
    private readonly List<IAsyncDisposable> _owned = [];
    private ConnectionMultiplexer _subscriber = null!;

    public async Task InitializeAsync()
    {
        _subscriber = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
            await owned.DisposeAsync();
        await _subscriber.DisposeAsync();
    }

    private async Task<RedisChatStore> OpenStoreAsync()
    {
        var store = new RedisChatStore(new RedisStoreOptions { Configuration = redis.Endpoint, KeyPrefix = _prefix });
        _owned.Add(store);
        await store.InitializeAsync("lobby", T0);
        return store;
    }

    private async Task<ChannelMessageQueue> SubscribeAsync(RedisChannel channel) =>
        await _subscriber.GetSubscriber().SubscribeAsync(channel);

    private static async Task<byte[]> NextAsync(ChannelMessageQueue queue)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var message = await queue.ReadAsync(timeout.Token);
        return (byte[])message.Message!;
    }

    [Fact]
    public async Task Publishes_the_stored_message_only_when_given_a_channel()
    {
        var store = await OpenStoreAsync();
        var channel = store.Keys.Channel("messages");
        var queue = await SubscribeAsync(channel);
        const string text = "\"quoted\" \\ / 你好 🎉\nline\t<b>";
        var conversation = ConversationKey.ForDirect("Alice", "bob");
        NewMessage Direct(string body) => new(Guid.NewGuid().ToString("N"), conversation, T0, "Alice", null, "bob", body);

        var first = await store.AppendAndPublishAsync(Direct(text), new MessagePublication(channel, "node-a", "session-7"));
        await store.AppendAsync(Direct("not published"));
        var third = await store.AppendAndPublishAsync(Direct("third") with { Live = new LiveExtras("+draft/reply=x;+a", Notice: true, Bot: true) }, new MessagePublication(channel, "node-b"));

        var payload = await NextAsync(queue);
        using (var json = JsonDocument.Parse(payload))
        {
            var root = json.RootElement;
            Assert.Equal(["bot", "conv", "files", "from", "id", "mentions", "node", "notice", "replyTo", "room", "seq", "session", "system", "tags", "text", "to", "ts"],
                root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal("node-a", root.GetProperty("node").GetString());
            Assert.Equal("session-7", root.GetProperty("session").GetString());
            Assert.Equal(conversation, root.GetProperty("conv").GetString());
            Assert.Equal(1, root.GetProperty("seq").GetInt64());
            Assert.Equal(first.Id, root.GetProperty("id").GetString());
            Assert.Equal(T0.ToUnixTimeMilliseconds(), root.GetProperty("ts").GetInt64());
            Assert.Equal("Alice", root.GetProperty("from").GetString());
            Assert.Equal(JsonValueKind.Null, root.GetProperty("room").ValueKind);
            Assert.Equal("bob", root.GetProperty("to").GetString());
            Assert.Equal(text, root.GetProperty("text").GetString());
            Assert.Equal(JsonValueKind.Null, root.GetProperty("tags").ValueKind);
            Assert.Equal(JsonValueKind.Null, root.GetProperty("notice").ValueKind);
            Assert.Equal(JsonValueKind.Null, root.GetProperty("bot").ValueKind);
        }
        var parsed = PublishedMessage.Parse(payload);
        Assert.Equal(new PublishedMessage("node-a", "session-7", first), parsed);

        // The unpublished append took seq 2 and sent nothing: the next payload is seq 3, with no session.
        var next = PublishedMessage.Parse(await NextAsync(queue));
        Assert.Equal(new PublishedMessage("node-b", null, third), next);
        Assert.Equal(3, third.Seq);
        Assert.Equal(new LiveExtras("+draft/reply=x;+a", Notice: true, Bot: true), next.Message.Live);
        // Client tags are published, never stored.
        Assert.Null((await store.HistoryAsync(conversation, null, 1)).Messages.Single().Live);

        // The direct conversation is registered for both users, with the other's display name.
        var alice = Assert.Single(await store.ConversationsAsync("alice"));
        Assert.Equal(("bob", 3L, 0L), (alice.Peer, alice.LastSeq, alice.Unread));
        var bob = Assert.Single(await store.ConversationsAsync("bob"));
        Assert.Equal(("Alice", 3L, 3L), (bob.Peer, bob.LastSeq, bob.Unread));
    }

    [Fact]
    public async Task Two_stores_appending_at_once_share_one_sequence_published_in_order()
    {
        const int perStore = 100;
        var a = await OpenStoreAsync();
        var b = await OpenStoreAsync();
        var channel = a.Keys.Channel("messages");
        var queue = await SubscribeAsync(channel);
        var conversation = ConversationKey.ForRoom("lobby");

        // Each store fires all its appends without waiting, from its own thread, as two nodes would.
        Task<StoredMessage[]> Burst(RedisChatStore store, string node) => Task.Run(() => Task.WhenAll(
            Enumerable.Range(1, perStore).Select(i => store.AppendAndPublishAsync(
                new NewMessage($"{node}-{i}", conversation, T0, node, "lobby", null, $"{node} {i}"),
                new MessagePublication(channel, node))).ToList()));
        var results = await Task.WhenAll(Burst(a, "a"), Burst(b, "b"));

        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(Enumerable.Range(1, 2 * perStore).Select(i => (long)i), all.Select(m => m.Seq).Order());
        foreach (var stored in results)
        {
            // Within one store, numbering follows call order.
            Assert.Equal(stored.Select(m => m.Seq).Order(), stored.Select(m => m.Seq));
        }

        var published = new List<PublishedMessage>();
        for (var i = 0; i < 2 * perStore; i++)
            published.Add(PublishedMessage.Parse(await NextAsync(queue)));
        Assert.Equal(Enumerable.Range(1, 2 * perStore).Select(i => (long)i), published.Select(p => p.Message.Seq));
        var bySeq = all.ToDictionary(m => m.Seq);
        Assert.All(published, p => Assert.Equal(bySeq[p.Message.Seq], p.Message));

        var history = await a.HistoryAsync(conversation, null, 2 * perStore);
        Assert.Equal(all.OrderByDescending(m => m.Seq), history.Messages);
        Assert.False(history.More);
    }
}
