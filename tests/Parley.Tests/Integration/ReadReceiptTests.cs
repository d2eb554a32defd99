using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>Read receipts in direct conversations (issue 29): the <c>receipt</c> event and <c>history</c>'s <c>peerRead</c>.</summary>
public sealed class ReadReceiptTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string? Text(JsonElement e, string property) =>
        e.TryGetProperty(property, out var value) ? value.GetString() : null;

    [Fact]
    public async Task A_read_in_a_direct_conversation_reaches_the_other_user_as_a_receipt_and_the_reader_as_before()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var alicePhone = await _server.ConnectWebSocketAsync();
        await alicePhone.OkAsync("login", new { user = "alice", password = "password1" });
        await using var bob = await _server.RegisterAsync("bob");
        await using var carol = await _server.RegisterAsync("carol");
        await alice.OkAsync("send", new { to = "bob", text = "one" });
        await alice.OkAsync("send", new { to = "bob", text = "two" });

        await bob.OkAsync("read", new { with = "ALICE", seq = 1 });
        foreach (var session in new ProtocolClient[] { alice, alicePhone })
        {
            var receipt = await session.NextAsync("receipt");
            Assert.Equal(("bob", 1), (Text(receipt, "with"), receipt.GetProperty("seq").GetInt64()));
        }
        // Capped at the latest message, as the stored position is.
        await bob.OkAsync("read", new { with = "alice", seq = 99 });
        Assert.Equal(2, (await alice.NextAsync("receipt")).GetProperty("seq").GetInt64());

        // The reader's own sessions keep getting the read event, never a receipt; a room read is no receipt.
        await bob.OkAsync("read", new { room = "lobby", seq = 0 });
        await alice.OkAsync("send", new { to = "bob", text = "three" });
        await bob.NextAsync("message", e => Text(e, "text") == "three");
        Assert.True(bob.HasNo("receipt"));
        Assert.True(alice.HasNo("receipt"));
        Assert.True(alice.HasNo("read"));
        Assert.True(carol.HasNo("receipt"));
    }

    [Fact]
    public async Task History_of_a_direct_conversation_says_how_far_the_other_user_has_read_after_a_reconnect()
    {
        await using var bob = await _server.RegisterAsync("bob");
        var alice = await _server.RegisterAsync("alice");
        await alice.OkAsync("send", new { to = "bob", text = "one" });
        await alice.OkAsync("send", new { to = "bob", text = "two" });
        Assert.Equal(0, (await alice.OkAsync("history", new { with = "bob" })).GetProperty("peerRead").GetInt64());
        await alice.DisposeAsync();

        await bob.OkAsync("read", new { with = "alice", seq = 2 });
        await using var again = await _server.ConnectAsync();
        await again.OkAsync("login", new { user = "alice", password = "password1" });
        var history = await again.OkAsync("history", new { with = "bob" });
        Assert.Equal(2, history.GetProperty("peerRead").GetInt64());
        // alice has read nothing of it; a room's history has no peerRead.
        Assert.Equal(0, (await bob.OkAsync("history", new { with = "alice" })).GetProperty("peerRead").GetInt64());
        Assert.False((await bob.OkAsync("history", new { room = "lobby" })).TryGetProperty("peerRead", out _));
    }

    [Fact]
    public async Task An_irc_markread_of_a_nick_is_a_receipt_too()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await (await _server.RegisterAsync("bob")).DisposeAsync();
        await using var bob = await IrcClient.SignInAsync(_server.IrcPort, "bob", "password1", "draft/read-marker", "server-time");
        await alice.OkAsync("send", new { to = "bob", text = "one" });
        await bob.NextAsync(l => l.Contains("PRIVMSG bob :one"));
        await bob.SendAsync("MARKREAD alice timestamp=2999-01-01T00:00:00.000Z");
        Assert.Equal(1, (await alice.NextAsync("receipt", e => Text(e, "with") == "bob")).GetProperty("seq").GetInt64());
    }
}
