using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>Guests: IRC clients without an account (NICK/USER only), against the real server over TCP.</summary>
public sealed class IrcGuestTests
{
    [Fact]
    public async Task A_guest_talks_in_an_existing_channel_with_native_users_both_ways()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var guest = await IrcClient.GuestAsync(server.IrcPort, "visitor");
        Assert.Contains(guest.Lines, l => l.StartsWith(":parley 001 visitor "));
        Assert.Contains(guest.Lines, l => l.Contains("NOTICE visitor :You are a guest"));

        await guest.SendAsync("JOIN #lobby");
        await guest.NextAsync(l => l == ":visitor!visitor@parley JOIN #lobby");
        var names = await guest.NumericAsync("353");
        Assert.Contains("bob", names);
        Assert.Contains("visitor", names);
        var joined = await bob.NextAsync("join");
        Assert.Equal("visitor", joined.GetProperty("user").GetString());

        await guest.SendAsync("PRIVMSG #lobby :hello from a guest");
        var message = await bob.NextAsync("message");
        Assert.Equal("visitor", message.GetProperty("from").GetString());
        Assert.Equal("hello from a guest", message.GetProperty("text").GetString());

        await bob.OkAsync("send", new { room = "lobby", text = "welcome, guest" });
        await guest.NextAsync(l => l == ":bob!bob@parley PRIVMSG #lobby :welcome, guest");
    }

    [Fact]
    public async Task A_guest_cannot_create_channels_or_exchange_direct_messages()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var guest = await IrcClient.GuestAsync(server.IrcPort, "visitor");

        await guest.SendAsync("JOIN #newroom");
        Assert.Contains("guests cannot create rooms", await guest.NumericAsync("477"));
        await guest.SendAsync("PRIVMSG bob :psst");
        Assert.Contains("guests cannot send direct messages", await guest.NumericAsync("477"));

        var refused = await bob.RequestAsync("send", new { to = "visitor", text = "psst" });
        Assert.Equal("guest_not_allowed", refused.GetProperty("code").GetString());
        var history = await bob.RequestAsync("rooms");
        Assert.DoesNotContain("newroom", history.ToString());
    }

    [Fact]
    public async Task A_guest_cannot_take_an_account_name_or_a_nick_in_use_and_may_pick_another()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var first = await IrcClient.GuestAsync(server.IrcPort, "visitor");

        await using var second = await IrcClient.ConnectAsync(server.IrcPort);
        await second.SendAsync("NICK Bob");
        await second.SendAsync("USER x 0 * :x");
        Assert.Contains("registered account", await second.NumericAsync("433"));
        await second.SendAsync("NICK VISITOR");
        Assert.Contains("in use", await second.NumericAsync("433"));
        await second.SendAsync("NICK visitor2");
        await second.NextAsync(l => l.StartsWith(":parley 001 visitor2 "));

        // Nor can an account be registered under a guest's nick while the guest is online.
        await using var native = await server.ConnectAsync();
        var taken = await native.RequestAsync("register", new { user = "visitor", password = "password1" });
        Assert.Equal("user_exists", taken.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Nothing_of_a_guest_is_kept_after_it_quits()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var aliceNative = await server.RegisterAsync("alice");
        await using var alice = await IrcClient.SignInAsync(server.IrcPort, "alice");
        await using (var guest = await IrcClient.GuestAsync(server.IrcPort, "visitor"))
        {
            await guest.SendAsync("JOIN #lobby");
            await guest.NumericAsync("366");
            await guest.SendAsync("PRIVMSG #lobby :said before leaving");
            await bob.NextAsync("message");
            await guest.SendAsync("QUIT :see you");
            await guest.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        }

        // IRC sees one QUIT with the reason and no PART; native clients see it offline and out of the room.
        await alice.NextAsync(l => l == ":visitor!visitor@parley QUIT :Quit: see you");
        var offline = await bob.NextAsync("presence", p => p.GetProperty("user").GetString() == "visitor");
        Assert.False(offline.GetProperty("online").GetBoolean());
        Assert.Equal("Quit: see you", offline.GetProperty("reason").GetString());
        var left = await bob.NextAsync("leave", p => p.GetProperty("user").GetString() == "visitor");
        Assert.True(left.GetProperty("quit").GetBoolean());
        Assert.True(alice.HasNo(l => l.Contains("PART #lobby") && l.StartsWith(":visitor!")));

        var members = await bob.OkAsync("members", new { room = "lobby" });
        Assert.DoesNotContain("visitor", members.ToString());
        // What it said stays in the room's history; its name is free for an account now.
        var history = await bob.OkAsync("history", new { room = "lobby" });
        Assert.Contains("said before leaving", history.ToString());
        await using var claimed = await server.RegisterAsync("visitor");
    }

    [Fact]
    public async Task With_guests_switched_off_an_unauthenticated_client_gets_464_and_is_closed()
    {
        await using var server = await TestServer.StartAsync(new() { ["IrcGuests"] = "false" });
        await using var guest = await IrcClient.ConnectAsync(server.IrcPort);
        await guest.SendAsync("NICK visitor");
        await guest.SendAsync("USER visitor 0 * :Visitor");
        Assert.Contains("needs an account: use SASL PLAIN or PASS", await guest.NumericAsync("464"));
        await guest.NextAsync(l => l.StartsWith("ERROR :"));
        await guest.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(guest.Lines, l => IrcClient.Numeric(l) == "001");
    }

    [Theory]
    [InlineData("closed", "makes no accounts on request")]
    [InlineData("invite", "by invitation only")]
    public async Task Where_registration_is_closed_or_by_invitation_a_guest_gets_464_and_is_closed_and_accounts_still_sign_in(string registration, string why)
    {
        // Guests open as well, the loosest IrcGuests: Registration still wins.
        await using var server = await TestServer.StartAsync(new() { ["Registration"] = registration, ["IrcGuests"] = "open" });
        await using (var guest = await IrcClient.ConnectAsync(server.IrcPort))
        {
            await guest.SendAsync("NICK visitor");
            await guest.SendAsync("USER visitor 0 * :Visitor");
            var refused = await guest.NumericAsync("464");
            Assert.Contains("needs an account: use SASL PLAIN or PASS", refused);
            Assert.Contains(why, refused);
            await guest.NextAsync(l => l.StartsWith("ERROR :"));
            await guest.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.DoesNotContain(guest.Lines, l => IrcClient.Numeric(l) == "001");
        }

        await using var admin = await AdminSocketLineClient.ConnectAsync(server.DataDirectory);
        await admin.OkAsync("admin.create", new { user = "alice", password = "password1" });
        await using var alice = await IrcClient.SignInAsync(server.IrcPort, "alice");
        Assert.Contains(alice.Lines, l => l.StartsWith(":parley 001 alice "));
    }
}
