using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>MONITOR, extended-monitor and SETNAME against the real server over TCP.</summary>
public sealed class IrcMonitorTests
{
    private static Task<TestServer> OpenServerAsync(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["IrcGuests"] = "open" };
        foreach (var (key, value) in more ?? [])
            settings[key] = value;
        return TestServer.StartAsync(settings);
    }

    /// <summary>Sends a PING and waits for its PONG: every line the server queued before it has arrived.</summary>
    private static async Task SyncAsync(IrcClient client, string mark)
    {
        await client.SendAsync($"PING :{mark}");
        await client.NextAsync(l => l.Contains(" PONG ") && l.EndsWith(mark));
    }

    [Fact]
    public async Task Monitor_adds_reports_lists_removes_and_clears()
    {
        await using var server = await OpenServerAsync();
        await using var bob = await IrcClient.GuestAsync(server.IrcPort, "bob");
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy");
        Assert.Contains(amy.Lines, l => IrcClient.Numeric(l) == "005" && l.Contains(" MONITOR=100 "));

        await amy.SendAsync("MONITOR + BOB,Cat");
        Assert.EndsWith(" 730 amy :bob!bob@parley", await amy.NumericAsync("730"));
        Assert.EndsWith(" 731 amy :Cat", await amy.NumericAsync("731"));

        await amy.SendAsync("MONITOR L");
        Assert.EndsWith(" 732 amy :BOB,Cat", await amy.NumericAsync("732"));
        await amy.NumericAsync("733");

        await amy.SendAsync("MONITOR - bob");
        await amy.SendAsync("MONITOR S");
        Assert.EndsWith(" 731 amy :Cat", await amy.NumericAsync("731"));
        await SyncAsync(amy, "after-status");
        Assert.DoesNotContain(amy.Lines.SkipWhile(l => !l.Contains(" 731 amy :Cat")).Skip(1), l => IrcClient.Numeric(l) == "730");

        await amy.SendAsync("MONITOR C");
        await amy.SendAsync("MONITOR L");
        await amy.NumericAsync("733");
        Assert.Equal(1, amy.Lines.Count(l => IrcClient.Numeric(l) == "732"));

        // A mask is not a nick: refused, never watched.
        await amy.SendAsync("MONITOR + *!bob@parley");
        Assert.Contains("*!bob@parley", await amy.NumericAsync("432"));
    }

    [Fact]
    public async Task A_watcher_hears_a_user_it_shares_no_channel_with_come_and_go_and_a_guest_rename_as_both()
    {
        await using var server = await OpenServerAsync();
        var bob = await server.RegisterAsync("bob");
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy");
        await amy.SendAsync("MONITOR + bob,cat,Dan");
        Assert.EndsWith(" 730 amy :bob!bob@parley", await amy.NumericAsync("730"));
        Assert.EndsWith(" 731 amy :cat,Dan", await amy.NumericAsync("731"));

        // An account (native, in #lobby, which amy is not in) signs out and in again.
        await bob.DisposeAsync();
        Assert.EndsWith(" 731 amy :bob", await amy.NumericAsync("731"));
        bob = await server.ConnectAsync();
        await bob.OkAsync("login", new { user = "bob", password = "password1" });
        Assert.EndsWith(" 730 amy :bob!bob@parley", await amy.NumericAsync("730"));
        await bob.DisposeAsync();
        Assert.EndsWith(" 731 amy :bob", await amy.NumericAsync("731"));

        // A guest comes online, then renames: the old nick goes offline, the new one comes online.
        await using var cat = await IrcClient.GuestAsync(server.IrcPort, "cat");
        Assert.EndsWith(" 730 amy :cat!cat@parley", await amy.NumericAsync("730"));
        await cat.SendAsync("NICK dan");
        Assert.EndsWith(" 731 amy :cat", await amy.NumericAsync("731"));
        Assert.EndsWith(" 730 amy :dan!dan@parley", await amy.NumericAsync("730"));
        Assert.DoesNotContain(amy.Lines, l => l.Contains(" NICK ") || l.Contains(" QUIT "));
        await cat.SendAsync("QUIT :bye");
        Assert.EndsWith(" 731 amy :dan", await amy.NumericAsync("731"));
    }

    [Fact]
    public async Task A_full_list_refuses_the_rest_with_734_and_a_closed_connection_drops_its_watches()
    {
        await using var server = await OpenServerAsync(new() { ["Limits:MaxWatchedUsers"] = "2" });
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy");
        Assert.Contains(amy.Lines, l => IrcClient.Numeric(l) == "005" && l.Contains(" MONITOR=2 "));

        await amy.SendAsync("MONITOR + ann,ben,cid,dot");
        Assert.EndsWith(" 731 amy :ann,ben", await amy.NumericAsync("731"));
        Assert.EndsWith(" 734 amy 2 cid,dot :Monitor list is full.", await amy.NumericAsync("734"));
        // A name already watched takes no room.
        await amy.SendAsync("MONITOR + ANN");
        Assert.EndsWith(" 731 amy :ANN", await amy.NumericAsync("731"));
        await SyncAsync(amy, "no-734");
        Assert.Single(amy.Lines, l => IrcClient.Numeric(l) == "734");

        // A watcher that left is told nothing, and its watch does not hold anyone else's slot.
        await using (var gone = await IrcClient.GuestAsync(server.IrcPort, "gone"))
        {
            await gone.SendAsync("MONITOR + ann");
            await gone.NumericAsync("731");
        }
        await using var ann = await IrcClient.GuestAsync(server.IrcPort, "ann");
        Assert.EndsWith(" 730 amy :ann!ann@parley", await amy.NumericAsync("730"));
    }

    [Fact]
    public async Task Extended_monitor_watchers_get_away_and_setname_without_a_shared_channel()
    {
        await using var server = await OpenServerAsync();
        await using var bob = await IrcClient.GuestAsync(server.IrcPort, "bob");
        await using var ext = await IrcClient.GuestAsync(server.IrcPort, "ext", "extended-monitor", "away-notify", "setname");
        await using var plain = await IrcClient.GuestAsync(server.IrcPort, "plain", "away-notify", "setname");
        foreach (var watcher in new[] { ext, plain })
        {
            await watcher.SendAsync("MONITOR + bob");
            await watcher.NumericAsync("730");
        }

        await bob.SendAsync("AWAY :lunch");
        await bob.NumericAsync("306");
        await ext.NextAsync(l => l == ":bob!bob@parley AWAY :lunch");
        await bob.SendAsync("AWAY");
        await bob.NumericAsync("305");
        await ext.NextAsync(l => l == ":bob!bob@parley AWAY");
        await bob.SendAsync("SETNAME :Bob Builder");
        await ext.NextAsync(l => l == ":bob!bob@parley SETNAME :Bob Builder");

        // Without extended-monitor, only presence: nothing of bob's away or real name.
        await SyncAsync(plain, "done");
        Assert.DoesNotContain(plain.Lines, l => l.Contains(" AWAY") || l.Contains(" SETNAME "));
    }

    [Fact]
    public async Task Setname_changes_the_real_name_and_reaches_channel_peers_that_asked_for_it()
    {
        await using var server = await OpenServerAsync();
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy", "setname");
        await using var bob = await IrcClient.GuestAsync(server.IrcPort, "bob", "setname");
        await using var cat = await IrcClient.GuestAsync(server.IrcPort, "cat");
        await using var out_ = await IrcClient.GuestAsync(server.IrcPort, "out", "setname");
        foreach (var client in new[] { amy, bob, cat })
        {
            await client.SendAsync("JOIN #room");
            await client.NumericAsync("366");
        }

        await amy.SendAsync("SETNAME :Amy Pond");
        await amy.NextAsync(l => l == ":amy!amy@parley SETNAME :Amy Pond");
        await bob.NextAsync(l => l == ":amy!amy@parley SETNAME :Amy Pond");
        await cat.SendAsync("WHOIS amy");
        Assert.EndsWith(" * :Amy Pond", await cat.NumericAsync("311"));
        await cat.SendAsync("WHO #room");
        await cat.NextAsync(l => IrcClient.Numeric(l) == "352" && l.Contains(" amy ") && l.EndsWith(":0 Amy Pond"));
        Assert.DoesNotContain(cat.Lines, l => l.Contains(" SETNAME "));
        await SyncAsync(out_, "shares-nothing");
        Assert.DoesNotContain(out_.Lines, l => l.Contains(" SETNAME "));

        await amy.SendAsync("SETNAME :   ");
        await amy.NextAsync(l => l.StartsWith(":") && l.Contains(" FAIL SETNAME INVALID_REALNAME "));
        await amy.SendAsync("SETNAME :" + new string('x', 201));
        await amy.NextAsync(l => l.Contains(" FAIL SETNAME INVALID_REALNAME "));
        await cat.SendAsync("WHOIS amy");
        Assert.EndsWith(" * :Amy Pond", await cat.NumericAsync("311"));
    }
}
