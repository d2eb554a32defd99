using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

public sealed class PresenceTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static bool IsUser(JsonElement e, string user, bool online) =>
        e.GetProperty("user").GetString() == user && e.GetProperty("online").GetBoolean() == online;

    [Fact]
    public async Task Connect_and_clean_disconnect_are_announced_to_room_mates()
    {
        await using var alice = await _server.RegisterAsync("alice");
        var bob = await _server.RegisterAsync("bob");
        await alice.NextAsync("presence", e => IsUser(e, "bob", true));

        var online = await alice.OkAsync("online");
        Assert.Equal(["alice", "bob"], online.GetProperty("users").EnumerateArray().Select(u => u.GetString()));

        await bob.DisposeAsync();
        await alice.NextAsync("presence", e => IsUser(e, "bob", false));
        var members = await alice.OkAsync("members", new { room = "lobby" });
        Assert.Contains(members.GetProperty("members").EnumerateArray(), m => IsUser(m, "bob", false));
        Assert.Contains(members.GetProperty("members").EnumerateArray(), m => IsUser(m, "alice", true));
    }

    [Fact]
    public async Task A_dropped_socket_goes_offline()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var bob = await _server.RegisterAsync("bob");
        await alice.NextAsync("presence", e => IsUser(e, "bob", true));

        bob.Abort();
        await alice.NextAsync("presence", e => IsUser(e, "bob", false));
        var online = await alice.OkAsync("online");
        Assert.Equal(["alice"], online.GetProperty("users").EnumerateArray().Select(u => u.GetString()));
    }

    [Fact]
    public async Task A_second_connection_keeps_the_user_online_and_sees_its_own_messages()
    {
        await using var watcher = await _server.RegisterAsync("watcher");
        await using var phone = await _server.RegisterAsync("alice");
        await using var laptop = await _server.ConnectAsync();
        await laptop.OkAsync("login", new { user = "alice", password = "password1" });

        await phone.OkAsync("send", new { room = "lobby", text = "from my phone" });
        var mirrored = await laptop.NextAsync("message");
        Assert.Equal("from my phone", mirrored.GetProperty("text").GetString());
        Assert.Equal("alice", mirrored.GetProperty("from").GetString());

        await phone.DisposeAsync();
        await laptop.OkAsync("ping");
        var members = await watcher.OkAsync("members", new { room = "lobby" });
        Assert.Contains(members.GetProperty("members").EnumerateArray(), m => IsUser(m, "alice", true));
        Assert.Single(watcher.Received, e => e.GetProperty("type").GetString() == "presence" && IsUser(e, "alice", true));
        Assert.True(watcher.HasNo("presence", e => IsUser(e, "alice", false)));
    }
}
