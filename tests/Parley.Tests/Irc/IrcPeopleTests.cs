using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>People as IRC sees them: a display name is the real name (WHOIS, SETNAME), and a block refuses PRIVMSG and TAGMSG.</summary>
public sealed class IrcPeopleTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_stored_display_name_is_the_real_name_at_sign_in_and_a_change_is_a_setname()
    {
        await using var bob = await _server.RegisterAsync("bob");
        var alice = await _server.RegisterAsync("alice");
        await alice.OkAsync("profile", new { display = "Alice Liddell" });
        await alice.DisposeAsync();
        await bob.NextAsync("presence", e => e.GetProperty("user").GetString() == "alice" && !e.GetProperty("online").GetBoolean());

        // Signed in again later, over IRC: the stored display name is her real name, not what USER said.
        await using var aliceIrc = await IrcClient.SignInAsync(_server.IrcPort, "alice");
        await using var bobIrc = await IrcClient.SignInAsync(_server.IrcPort, "bob", "password1", "setname");
        await bobIrc.SendAsync("WHOIS alice");
        Assert.EndsWith(" alice alice parley * :Alice Liddell", await bobIrc.NumericAsync("311"));

        // A change over the native protocol reaches IRC room-mates as SETNAME.
        await using var aliceNative = await _server.ConnectAsync();
        await aliceNative.OkAsync("login", new { user = "alice", password = "password1" });
        await aliceNative.OkAsync("profile", new { display = "Ålice 李" });
        await bobIrc.NextAsync(l => l == ":alice!alice@parley SETNAME :Ålice 李");
        await bobIrc.SendAsync("WHOIS alice");
        Assert.EndsWith(" :Ålice 李", await bobIrc.NumericAsync("311"));

        // A status alone is no SETNAME and keeps the real name; clearing the display name is a SETNAME to the login name.
        await aliceNative.OkAsync("profile", new { status = "reading" });
        await aliceNative.OkAsync("profile", new { display = "" });
        await bobIrc.NextAsync(l => l == ":alice!alice@parley SETNAME :alice");
        // Lines arrive in order: had the status change made a SETNAME, it would be in between.
        Assert.Equal([":alice!alice@parley SETNAME :Ålice 李", ":alice!alice@parley SETNAME :alice"],
            bobIrc.Lines.Where(l => l.Contains(" SETNAME ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_blocked_users_privmsg_and_tagmsg_to_the_blocker_are_refused()
    {
        await using var bob = await _server.RegisterAsync("bob");
        await _server.RegisterAsync("alice");
        await bob.OkAsync("block", new { user = "alice" });
        await using var alice = await IrcClient.SignInAsync(_server.IrcPort, "alice", "password1", "message-tags");

        await alice.SendAsync("PRIVMSG bob :let me in");
        Assert.Contains("does not accept direct messages", await alice.NumericAsync("400"));
        await alice.SendAsync("@+typing=active TAGMSG bob");
        Assert.Contains("does not accept direct messages", await alice.NumericAsync("400"));
        Assert.Empty((await bob.OkAsync("history", new { with = "alice" })).GetProperty("messages").EnumerateArray());
        Assert.True(bob.HasNo("message"));

        await bob.OkAsync("block", new { user = "alice", on = false });
        await alice.SendAsync("PRIVMSG bob :thanks");
        Assert.Equal("thanks", (await bob.NextAsync("message")).GetProperty("text").GetString());
    }
}
