using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>The admin socket of a real server: the operator's ops, and that nothing else may use them.</summary>
public sealed class AdminSocketTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static bool Bye(JsonElement e, string reason) => e.GetProperty("reason").GetString() == reason;

    private async Task<string> ErrorOnNewConnectionAsync(string type, object fields)
    {
        await using var client = await _server.ConnectAsync();
        return await client.ErrorAsync(type, fields);
    }

    [Fact]
    public async Task The_socket_is_the_servers_users_alone_and_admin_ops_are_refused_elsewhere()
    {
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_server.DataDirectory, "admin.sock")));
        await using var alice = await _server.RegisterAsync("alice");
        Assert.Equal("not_permitted", await alice.ErrorAsync("admin.users"));
        Assert.Equal("not_permitted", await ErrorOnNewConnectionAsync("admin.disable", new { user = "alice" }));
        // The operator's connection is not closed for not signing in, and is not a user.
        await using var admin = await AdminSocketLineClient.ConnectAsync(_server.DataDirectory);
        await admin.OkAsync("ping");
        Assert.Equal("unauthenticated", await admin.ErrorAsync("send", new { room = "lobby", text = "hi" }));
    }

    [Fact]
    public async Task The_operator_lists_disables_enables_and_resets_accounts()
    {
        await using var admin = await AdminSocketLineClient.ConnectAsync(_server.DataDirectory);
        await using var alice = await _server.ConnectAsync();
        var token = (await alice.OkAsync("register", new { user = "alice", password = "password1" })).GetProperty("token").GetString();
        await (await _server.RegisterAsync("Albert")).DisposeAsync();
        await using var bob = await _server.RegisterAsync("bob");

        var users = (await admin.OkAsync("admin.users", new { prefix = "AL" })).GetProperty("users").EnumerateArray().ToList();
        Assert.Equal(["Albert", "alice"], users.Select(u => u.GetProperty("user").GetString()));
        Assert.Equal([false, true], users.Select(u => u.GetProperty("online").GetBoolean()));
        Assert.All(users, u => Assert.Equal("active", u.GetProperty("state").GetString()));
        Assert.Equal(["bob"], (await admin.OkAsync("admin.users", new { after = "alice" })).GetProperty("users").EnumerateArray().Select(u => u.GetProperty("user").GetString()));

        Assert.Equal("no_such_user", await admin.ErrorAsync("admin.disable", new { user = "nobody" }));
        await admin.OkAsync("admin.disable", new { user = "ALICE" });
        await alice.NextAsync("bye", e => Bye(e, "disabled"));
        await alice.Closed.WaitAsync(ProtocolClient.ReplyTimeout);
        Assert.Equal("disabled", await ErrorOnNewConnectionAsync("login", new { user = "alice", password = "password1" }));
        // A wrong password does not learn that the account is disabled.
        Assert.Equal("bad_credentials", await ErrorOnNewConnectionAsync("login", new { user = "alice", password = "not-hers-1" }));
        Assert.Equal("bad_token", await ErrorOnNewConnectionAsync("resume", new { token }));
        Assert.Equal("disabled", (await admin.OkAsync("admin.users", new { prefix = "alice" })).GetProperty("users")[0].GetProperty("state").GetString());

        await admin.OkAsync("admin.enable", new { user = "alice" });
        await using var again = await _server.ConnectAsync();
        await again.OkAsync("login", new { user = "alice", password = "password1" });

        Assert.Equal("bad_password", await admin.ErrorAsync("admin.password", new { user = "alice", password = "short" }));
        var reset = await admin.OkAsync("admin.password", new { user = "alice", password = "fresh-start" });
        Assert.Equal("alice", reset.GetProperty("user").GetString());
        await again.NextAsync("bye", e => Bye(e, "signed_out"));
        Assert.Equal("bad_credentials", await ErrorOnNewConnectionAsync("login", new { user = "alice", password = "password1" }));
        await using var afterReset = await _server.ConnectAsync();
        await afterReset.OkAsync("login", new { user = "alice", password = "fresh-start" });
        // Nobody else was signed out.
        await bob.OkAsync("send", new { room = "lobby", text = "still here" });
    }

    [Fact]
    public async Task The_operator_lists_rooms_with_owners_changes_an_owner_and_deletes_an_account()
    {
        await using var admin = await AdminSocketLineClient.ConnectAsync(_server.DataDirectory);
        await using var alice = await _server.RegisterAsync("alice");
        await using var bob = await _server.RegisterAsync("bob");
        await alice.OkAsync("create", new { room = "dev" });
        await bob.OkAsync("join", new { room = "dev" });

        var rooms = (await admin.OkAsync("admin.rooms")).GetProperty("rooms").EnumerateArray().ToList();
        Assert.Equal(["dev", "lobby"], rooms.Select(r => r.GetProperty("room").GetString()));
        Assert.Equal(["alice"], rooms[0].GetProperty("owners").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal(2, rooms[0].GetProperty("members").GetInt32());
        Assert.Empty(rooms[1].GetProperty("owners").EnumerateArray());

        Assert.Equal("not_in_room", await admin.ErrorAsync("admin.owner", new { room = "lobby", user = "nobody" }));
        Assert.Equal("no_such_room", await admin.ErrorAsync("admin.owner", new { room = "nowhere", user = "bob" }));
        var owner = await admin.OkAsync("admin.owner", new { room = "dev", user = "BOB" });
        Assert.Equal("bob", owner.GetProperty("owner").GetString());
        // The room hears the change as a role change by the operator, as if an owner had made it.
        await alice.NextAsync("room_changed", e => e.GetProperty("by").GetString() == "operator");
        var dev = (await admin.OkAsync("admin.rooms")).GetProperty("rooms")[0];
        Assert.Equal(["bob"], dev.GetProperty("owners").EnumerateArray().Select(o => o.GetString()));

        await admin.OkAsync("admin.delete", new { user = "bob" });
        await bob.NextAsync("bye", e => Bye(e, "account_deleted"));
        await alice.NextAsync("leave", e => e.GetProperty("room").GetString() == "dev" && e.GetProperty("user").GetString() == "bob");
        Assert.Equal("no_such_user", await admin.ErrorAsync("admin.delete", new { user = "bob" }));
        Assert.Empty((await admin.OkAsync("admin.users", new { prefix = "bob" })).GetProperty("users").EnumerateArray());
        // The deleted owner's room passed to its heir, the one member left.
        Assert.Equal(["alice"], (await admin.OkAsync("admin.rooms")).GetProperty("rooms")[0].GetProperty("owners").EnumerateArray().Select(o => o.GetString()));
        await admin.OkAsync("admin.owner", new { room = "dev", user = "alice" });
    }

    [Fact]
    public async Task The_operator_removes_a_message_and_history_shows_its_tombstone()
    {
        await using var admin = await AdminSocketLineClient.ConnectAsync(_server.DataDirectory);
        await using var alice = await _server.RegisterAsync("alice");
        await using var bob = await _server.RegisterAsync("bob");
        await alice.OkAsync("send", new { room = "lobby", text = "fine" });
        var bad = (await alice.OkAsync("send", new { room = "lobby", text = "something awful" })).GetProperty("message");
        await alice.OkAsync("send", new { to = "bob", text = "awful too" });

        await admin.OkAsync("admin.remove", new { room = "lobby", seq = bad.GetProperty("seq").GetInt64() });
        await admin.OkAsync("admin.remove", new { users = new[] { "BOB", "alice" }, seq = 1 });
        Assert.Equal("no_such_message", await admin.ErrorAsync("admin.remove", new { room = "lobby", seq = 99 }));
        Assert.Equal("no_such_room", await admin.ErrorAsync("admin.remove", new { room = "nowhere", seq = 1 }));
        Assert.Equal("missing_field", await admin.ErrorAsync("admin.remove", new { seq = 1 }));
        Assert.Equal("bad_field", await admin.ErrorAsync("admin.remove", new { users = new[] { "alice" }, seq = 1 }));

        var messages = (await bob.OkAsync("history", new { room = "lobby" })).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["", "fine"], messages.Select(m => m.GetProperty("text").GetString()));
        var tombstone = messages[0];
        Assert.True(tombstone.GetProperty("removed").GetBoolean());
        Assert.Equal((bad.GetProperty("id").GetString(), "alice"), (tombstone.GetProperty("id").GetString(), tombstone.GetProperty("from").GetString()));
        Assert.False(messages[1].TryGetProperty("removed", out _));
        var direct = (await bob.OkAsync("history", new { with = "alice" })).GetProperty("messages")[0];
        Assert.Equal(("", true), (direct.GetProperty("text").GetString(), direct.GetProperty("removed").GetBoolean()));
    }

    [Fact]
    public async Task The_operators_connection_has_no_sign_in_deadline()
    {
        var clock = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(new() { ["Connections:SignInTimeout"] = "00:00:03" }, time: clock);
        await using var admin = await AdminSocketLineClient.ConnectAsync(server.DataDirectory);
        await using var idle = await server.ConnectAsync();
        await admin.OkAsync("ping");
        await idle.OkAsync("ping");

        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal("sign_in_timeout", (await idle.NextAsync("bye")).GetProperty("reason").GetString());
        await admin.OkAsync("admin.users");
        Assert.True(admin.HasNo("bye"), "the operator's connection was sent a bye");
    }
}
