using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>The everyday path: register, meet in lobby, talk, over real TCP and WebSocket.</summary>
public sealed class ChatTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Two_users_meet_in_lobby_and_chat_both_ways()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var bob = await _server.RegisterAsync("bob");
        var joined = await alice.NextAsync("join");
        Assert.Equal(("lobby", "bob"), (joined.GetProperty("room").GetString(), joined.GetProperty("user").GetString()));

        var sent = await alice.OkAsync("send", new { room = "lobby", text = "hi bob" });
        var heard = await bob.NextAsync("message");
        Assert.Equal("alice", heard.GetProperty("from").GetString());
        Assert.Equal("lobby", heard.GetProperty("room").GetString());
        Assert.Equal("hi bob", heard.GetProperty("text").GetString());
        Assert.Equal(sent.GetProperty("message").GetProperty("seq").GetInt64(), heard.GetProperty("seq").GetInt64());
        Assert.Equal(sent.GetProperty("message").GetProperty("id").GetString(), heard.GetProperty("id").GetString());

        await bob.OkAsync("send", new { room = "lobby", text = "hello alice" });
        var back = await alice.NextAsync("message");
        Assert.Equal("bob", back.GetProperty("from").GetString());
        Assert.Equal(2, back.GetProperty("seq").GetInt64());
        // The sender's own connection gets the ok, not an echo.
        Assert.True(alice.HasNo("message", m => m.GetProperty("from").GetString() == "alice"));
    }

    [Fact]
    public async Task WebSocket_and_TCP_users_share_a_room()
    {
        await using var tcp = await _server.RegisterAsync("tcpuser");
        await using var ws = await _server.ConnectWebSocketAsync();
        await ws.OkAsync("register", new { user = "webuser", password = "password1" });

        await ws.OkAsync("send", new { room = "lobby", text = "from the web" });
        Assert.Equal("from the web", (await tcp.NextAsync("message")).GetProperty("text").GetString());

        await tcp.OkAsync("send", new { room = "lobby", text = "from the terminal" });
        Assert.Equal("from the terminal", (await ws.NextAsync("message")).GetProperty("text").GetString());
    }
}
