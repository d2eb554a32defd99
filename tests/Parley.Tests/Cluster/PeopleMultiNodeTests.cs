using Parley.Tests.Support;

namespace Parley.Tests.Cluster;

/// <summary>People across two real nodes on one real redis-server: the directory, profiles, blocks and opened DMs hold on both.</summary>
public sealed class PeopleMultiNodeTests : TwoRedisNodes
{
    [Fact]
    public async Task Profiles_blocks_and_opened_dms_reach_the_other_node()
    {
        await using var alice = await A.RegisterAsync("alice");
        await using var bob = await B.RegisterAsync("bob");
        await using var aliceOnB = await B.ConnectAsync();
        await aliceOnB.OkAsync("login", new { user = "alice", password = "password1" });
        await using var bobOnA = await A.ConnectAsync();
        await bobOnA.OkAsync("login", new { user = "bob", password = "password1" });
        await using var aliceIrc = await IrcClient.SignInAsync(B.IrcPort, "alice");

        // The directory on node b lists alice, registered and online on node a.
        var found = await bob.OkAsync("users", new { prefix = "ali" });
        var entry = Assert.Single(found.GetProperty("users").EnumerateArray());
        Assert.Equal(("alice", true), (entry.GetProperty("user").GetString(), entry.GetProperty("online").GetBoolean()));

        // A profile set on node a: bob on node b and alice's own session there hear it, and her IRC real name there follows.
        await alice.OkAsync("profile", new { display = "Alice L.", status = "on a" });
        Assert.Equal("Alice L.", (await bob.NextAsync("profile")).GetProperty("display").GetString());
        Assert.Equal("on a", (await aliceOnB.NextAsync("profile")).GetProperty("status").GetString());
        await Until.TrueAsync(async () =>
        {
            await aliceIrc.SendAsync("WHOIS alice");
            var whois = await aliceIrc.NumericAsync("311");
            return whois.EndsWith(":Alice L.", StringComparison.Ordinal);
        }, "alice's IRC real name on node b is her display name");

        // An opened DM on node a is told to her session on node b.
        await alice.OkAsync("open", new { with = "bob" });
        Assert.Equal("bob", (await aliceOnB.NextAsync("open")).GetProperty("with").GetString());

        // A block made on node b holds on node a at once, and bob's session on node a hears of it.
        await bob.OkAsync("block", new { user = "alice" });
        Assert.Equal("alice", (await bobOnA.NextAsync("block")).GetProperty("user").GetString());
        Assert.Equal("blocked", await alice.ErrorAsync("send", new { to = "bob", text = "hi from a" }));
        await bob.OkAsync("block", new { user = "alice", on = false });
        await alice.OkAsync("send", new { to = "bob", text = "hi from a" });
    }
}
