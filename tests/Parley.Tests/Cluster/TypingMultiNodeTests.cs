using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Cluster;

/// <summary>Typing indicators and read receipts across two real nodes on one real redis-server.</summary>
public sealed class TypingMultiNodeTests : TwoRedisNodes
{
    private static string? Text(JsonElement e, string property) =>
        e.TryGetProperty(property, out var value) ? value.GetString() : null;

    [Fact]
    public async Task Typing_and_receipts_reach_the_other_node()
    {
        await using var alice = await A.RegisterAsync("alice");
        await using var bob = await B.RegisterAsync("bob");
        await using var bobIrc = await IrcClient.SignInAsync(B.IrcPort, "bob", "password1", "message-tags");
        await Until.TrueAsync(async () => (await alice.OkAsync("online")).GetProperty("users").EnumerateArray().Any(u => u.GetString() == "bob"),
            "node a knows bob is online on node b");

        await alice.OkAsync("typing", new { room = "lobby" });
        var room = await bob.NextAsync("typing", e => Text(e, "room") == "lobby");
        Assert.Equal(("alice", "active"), (Text(room, "user"), Text(room, "state")));
        await alice.OkAsync("typing", new { to = "bob" });
        var direct = await bob.NextAsync("typing", e => Text(e, "to") == "bob");
        Assert.Equal(("alice", "active"), (Text(direct, "user"), Text(direct, "state")));
        Assert.EndsWith(";+typing=active :alice!alice@parley TAGMSG bob", await bobIrc.NextAsync(l => l.Contains(" TAGMSG bob")));

        await bobIrc.SendAsync("@+typing=done TAGMSG alice");
        var done = await alice.NextAsync("typing");
        Assert.Equal(("alice", "bob", "done"), (Text(done, "to"), Text(done, "user"), Text(done, "state")));

        // bob reads on node b; alice, on node a, gets the receipt.
        await alice.OkAsync("send", new { to = "bob", text = "across" });
        var message = await bob.NextAsync("message", e => Text(e, "text") == "across");
        await bob.OkAsync("read", new { with = "alice", seq = message.GetProperty("seq").GetInt64() });
        var receipt = await alice.NextAsync("receipt");
        Assert.Equal(("bob", 1L), (Text(receipt, "with"), receipt.GetProperty("seq").GetInt64()));
        Assert.Equal(1, (await alice.OkAsync("history", new { with = "bob" })).GetProperty("peerRead").GetInt64());
    }
}
