using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Cluster;

/// <summary>Accounts signed out at once on every node: two real nodes on a real redis-server.</summary>
public sealed class AccountClusterTests : TwoRedisNodes
{
    private static bool Bye(JsonElement e, string reason) => e.GetProperty("reason").GetString() == reason;

    private static async Task<LineClient> LoginAsync(TestServer node, string user, string password = "password1")
    {
        var client = await node.ConnectAsync();
        await client.OkAsync("login", new { user, password });
        return client;
    }

    [Fact]
    public async Task Disabling_an_account_through_one_nodes_admin_socket_signs_it_out_on_both()
    {
        await using var onA = await A.RegisterAsync("alice");
        await using var onB = await LoginAsync(B, "alice");
        await using var bob = await B.RegisterAsync("bob");
        await using var admin = await AdminSocketLineClient.ConnectAsync(A.DataDirectory);

        await admin.OkAsync("admin.disable", new { user = "alice" });
        await onA.NextAsync("bye", e => Bye(e, "disabled"));
        await onB.NextAsync("bye", e => Bye(e, "disabled"));
        await onB.Closed.WaitAsync(ProtocolClient.ReplyTimeout);
        await using (var refused = await B.ConnectAsync())
            Assert.Equal("disabled", await refused.ErrorAsync("login", new { user = "alice", password = "password1" }));
        // Bob, on b, sees alice go offline everywhere.
        await Until.TrueAsync(async () => !(await bob.OkAsync("online")).GetProperty("users").EnumerateArray().Any(u => u.GetString() == "alice"), "alice offline on b");

        // Node b's operator sees the same account, and enables it again.
        await using var adminB = await AdminSocketLineClient.ConnectAsync(B.DataDirectory);
        Assert.Equal("disabled", (await adminB.OkAsync("admin.users", new { prefix = "alice" })).GetProperty("users")[0].GetProperty("state").GetString());
        await adminB.OkAsync("admin.enable", new { user = "alice" });
        await (await LoginAsync(A, "alice")).DisposeAsync();
    }

    [Fact]
    public async Task A_password_change_on_one_node_signs_out_the_others_sessions_and_revokes_their_tokens()
    {
        await using var onA = await A.RegisterAsync("alice");
        await using var onB = await B.ConnectAsync();
        var tokenB = (await onB.OkAsync("login", new { user = "alice", password = "password1" })).GetProperty("token").GetString();

        var token = (await onA.OkAsync("password", new { old = "password1", @new = "password2" })).GetProperty("token").GetString();
        await onB.NextAsync("bye", e => Bye(e, "signed_out"));
        Assert.True(onA.HasNo("bye"));
        await using (var stale = await B.ConnectAsync())
            Assert.Equal("bad_token", await stale.ErrorAsync("resume", new { token = tokenB }));
        await using (var fresh = await B.ConnectAsync())
            await fresh.OkAsync("resume", new { token });
    }

    [Fact]
    public async Task Logging_out_everywhere_on_one_node_ends_the_sessions_and_refuses_the_tokens_of_both()
    {
        await using var onA = await A.RegisterAsync("alice");
        await using var onB = await B.ConnectAsync();
        var tokenB = (await onB.OkAsync("login", new { user = "alice", password = "password1" })).GetProperty("token").GetString();
        await using var alsoA = await A.ConnectAsync();
        var tokenA = (await alsoA.OkAsync("login", new { user = "alice", password = "password1" })).GetProperty("token").GetString();

        await onA.OkAsync("logout", new { everywhere = true });
        await onB.NextAsync("bye", e => Bye(e, "signed_out"));
        await alsoA.NextAsync("bye", e => Bye(e, "signed_out"));
        Assert.True(onA.HasNo("bye"));
        foreach (var (node, token) in new[] { (A, tokenB), (B, tokenB), (A, tokenA), (B, tokenA) })
        {
            await using var stale = await node.ConnectAsync();
            Assert.Equal("bad_token", await stale.ErrorAsync("resume", new { token }));
        }
    }

    [Fact]
    public async Task A_deleted_account_leaves_its_rooms_on_every_node()
    {
        await using var alice = await A.RegisterAsync("alice");
        await using var aliceOnB = await LoginAsync(B, "alice");
        await using var bob = await B.RegisterAsync("bob");

        await alice.OkAsync("delete_account", new { password = "password1" });
        await bob.NextAsync("leave", e => e.GetProperty("room").GetString() == "lobby" && e.GetProperty("user").GetString() == "alice");
        await aliceOnB.NextAsync("bye", e => Bye(e, "account_deleted"));
        var members = await bob.OkAsync("members", new { room = "lobby" });
        Assert.Equal(["bob"], members.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("user").GetString()));
        Assert.Equal("no_such_user", await bob.ErrorAsync("send", new { to = "alice", text = "hello?" }));
    }
}
