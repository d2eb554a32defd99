using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>A user's own account over the native protocol: change the password, sign out everywhere, delete the account.</summary>
public sealed class AccountTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(LineClient Client, string Token)> LoginAsync(string user, string password)
    {
        var client = await _server.ConnectAsync();
        var reply = await client.OkAsync("login", new { user, password });
        return (client, reply.GetProperty("token").GetString()!);
    }

    private async Task<string> ErrorOnNewConnectionAsync(string type, object fields)
    {
        await using var client = await _server.ConnectAsync();
        return await client.ErrorAsync(type, fields);
    }

    private static bool Bye(JsonElement e, string reason) => e.GetProperty("reason").GetString() == reason;

    [Fact]
    public async Task Changing_the_password_signs_out_every_other_session_and_keeps_this_one_with_a_new_token()
    {
        await using var first = await _server.ConnectAsync();
        var oldToken = (await first.OkAsync("register", new { user = "alice", password = "password1" })).GetProperty("token").GetString();
        var (second, _) = await LoginAsync("alice", "password1");
        await using var _second = second;

        Assert.Equal("bad_credentials", await first.ErrorAsync("password", new { old = "wrong-one", @new = "password2" }));
        Assert.Equal("bad_password", await first.ErrorAsync("password", new { old = "password1", @new = "short" }));
        var changed = await first.OkAsync("password", new { old = "password1", @new = "password2" });
        var newToken = changed.GetProperty("token").GetString();
        Assert.False(string.IsNullOrEmpty(newToken));
        Assert.NotEqual(oldToken, newToken);

        await second.NextAsync("bye", e => Bye(e, "signed_out"));
        await second.Closed.WaitAsync(ProtocolClient.ReplyTimeout);
        // This connection is still signed in.
        await first.OkAsync("send", new { room = "lobby", text = "still here" });
        Assert.True(first.HasNo("bye"));

        Assert.Equal("bad_token", await ErrorOnNewConnectionAsync("resume", new { token = oldToken }));
        Assert.Equal("bad_credentials", await ErrorOnNewConnectionAsync("login", new { user = "alice", password = "password1" }));
        await using var resumed = await _server.ConnectAsync();
        await resumed.OkAsync("resume", new { token = newToken });
        var (third, _) = await LoginAsync("alice", "password2");
        await third.DisposeAsync();
    }

    [Fact]
    public async Task Logout_everywhere_revokes_every_token_and_signs_out_every_session()
    {
        await using var first = await _server.ConnectAsync();
        var token1 = (await first.OkAsync("register", new { user = "alice", password = "password1" })).GetProperty("token").GetString();
        var (second, token2) = await LoginAsync("alice", "password1");
        await using var _second = second;
        await using var bob = await _server.RegisterAsync("bob");

        await first.OkAsync("logout", new { everywhere = true });
        await second.NextAsync("bye", e => Bye(e, "signed_out"));
        await second.Closed.WaitAsync(ProtocolClient.ReplyTimeout);
        // This connection stays open, signed out, as after a plain logout.
        Assert.Equal("unauthenticated", await first.ErrorAsync("rooms"));
        await bob.NextAsync("presence", e => e.GetProperty("user").GetString() == "alice" && !e.GetProperty("online").GetBoolean());
        Assert.Equal("bad_token", await ErrorOnNewConnectionAsync("resume", new { token = token1 }));
        Assert.Equal("bad_token", await ErrorOnNewConnectionAsync("resume", new { token = token2 }));
        Assert.Equal("bad_field", await bob.ErrorAsync("logout", new { everywhere = "yes" }));
        // Signing in again works.
        await first.OkAsync("login", new { user = "alice", password = "password1" });
    }

    [Fact]
    public async Task Deleting_an_account_takes_it_out_of_its_rooms_keeps_its_messages_and_its_name()
    {
        await using var alice = await _server.RegisterAsync("alice");
        var (other, token) = await LoginAsync("alice", "password1");
        await using var _other = other;
        await using var bob = await _server.RegisterAsync("bob");
        await alice.OkAsync("create", new { room = "dev" });
        await bob.OkAsync("join", new { room = "dev" });
        await alice.OkAsync("send", new { room = "lobby", text = "goodbye all" });
        await alice.OkAsync("send", new { to = "bob", text = "goodbye bob" });

        Assert.Equal("bad_credentials", await alice.ErrorAsync("delete_account", new { password = "wrong-one" }));
        await alice.OkAsync("delete_account", new { password = "password1" });

        await bob.NextAsync("leave", e => e.GetProperty("room").GetString() == "lobby" && e.GetProperty("user").GetString() == "alice");
        await bob.NextAsync("leave", e => e.GetProperty("room").GetString() == "dev" && e.GetProperty("user").GetString() == "alice");
        await other.NextAsync("bye", e => Bye(e, "account_deleted"));
        Assert.Equal("unauthenticated", await alice.ErrorAsync("rooms"));

        Assert.Equal("bad_token", await ErrorOnNewConnectionAsync("resume", new { token }));
        Assert.Equal("bad_credentials", await ErrorOnNewConnectionAsync("login", new { user = "alice", password = "password1" }));
        Assert.Equal("user_exists", await ErrorOnNewConnectionAsync("register", new { user = "Alice", password = "password1" }));
        Assert.Equal("no_such_user", await bob.ErrorAsync("send", new { to = "alice", text = "are you there?" }));

        var lobby = await bob.OkAsync("history", new { room = "lobby" });
        Assert.Contains(lobby.GetProperty("messages").EnumerateArray(), m => m.GetProperty("from").GetString() == "alice" && m.GetProperty("text").GetString() == "goodbye all");
        var direct = await bob.OkAsync("history", new { with = "alice" });
        Assert.Equal("goodbye bob", Assert.Single(direct.GetProperty("messages").EnumerateArray()).GetProperty("text").GetString());
        var members = await bob.OkAsync("members", new { room = "dev" });
        Assert.Equal(["bob"], members.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("user").GetString()));
    }
}
