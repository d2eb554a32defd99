using Microsoft.Extensions.Time.Testing;
using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>IrcGuests = open: classic IRC for clients without an account, against the real server over TCP.</summary>
public sealed class IrcOpenGuestTests
{
    private static Task<TestServer> OpenServerAsync() => TestServer.StartAsync(new() { ["IrcGuests"] = "open" });

    [Fact]
    public async Task A_guest_makes_a_channel_that_ends_with_its_last_member_and_a_later_one_starts_afresh()
    {
        await using var server = await OpenServerAsync();
        await using var first = await IrcClient.GuestAsync(server.IrcPort, "maker");
        Assert.DoesNotContain(first.Lines, l => l.Contains("You are a guest"));

        await first.SendAsync("JOIN #fresh");
        Assert.EndsWith(" = #fresh :@maker", await first.NumericAsync("353"));
        await first.SendAsync("TOPIC #fresh :old talk");
        await first.NextAsync(l => l.EndsWith(" TOPIC #fresh :old talk"));
        await first.SendAsync("PART #fresh");
        await first.NextAsync(l => l == ":maker!maker@parley PART #fresh");

        // Nothing of it is left: not in LIST, and a new #fresh has no topic and a new operator.
        await first.SendAsync("LIST");
        await first.NumericAsync("323");
        Assert.DoesNotContain(first.Lines, l => l.Contains(" 322 maker #fresh "));
        await using var second = await IrcClient.GuestAsync(server.IrcPort, "later");
        await second.SendAsync("JOIN #fresh");
        Assert.EndsWith(" = #fresh :@later", await second.NumericAsync("353"));
        Assert.True(second.HasNo(l => IrcClient.Numeric(l) == "332"));
    }

    [Fact]
    public async Task Guests_message_each_other_and_accounts_live_and_a_later_holder_of_the_nick_sees_none_of_it()
    {
        await using var server = await OpenServerAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy");
        await using var cat = await IrcClient.GuestAsync(server.IrcPort, "cat");

        await amy.SendAsync("PRIVMSG cat :hi cat");
        await cat.NextAsync(l => l.EndsWith(":amy!amy@parley PRIVMSG cat :hi cat"));
        await amy.SendAsync("PRIVMSG bob :hi bob");
        var message = await bob.NextAsync("message");
        Assert.Equal("hi bob", message.GetProperty("text").GetString());
        await bob.OkAsync("send", new { to = "amy", text = "hi amy" });
        await amy.NextAsync(l => l.EndsWith(":bob!bob@parley PRIVMSG amy :hi amy"));

        // Never stored: bob's history with amy is empty, so a later "amy" inherits nothing.
        var history = await bob.RequestAsync("history", new { with = "amy" });
        Assert.DoesNotContain("hi amy", history.ToString());
        await amy.SendAsync("PRIVMSG nobody :anyone?");
        await amy.NumericAsync("401");
    }

    [Fact]
    public async Task A_guest_changes_its_nick_and_its_channels_see_it_but_an_account_keeps_its_name()
    {
        await using var server = await OpenServerAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy");
        await using var cat = await IrcClient.GuestAsync(server.IrcPort, "cat");
        await amy.SendAsync("JOIN #room");
        await amy.NumericAsync("366");
        await cat.SendAsync("JOIN #room");
        await cat.NumericAsync("366");

        await amy.SendAsync("NICK cat");
        Assert.Contains("in use", await amy.NumericAsync("433"));
        await amy.SendAsync("NICK bob");
        Assert.Contains("registered account", await amy.NumericAsync("433"));
        await amy.SendAsync("NICK ann");
        await amy.NextAsync(l => l == ":amy!amy@parley NICK ann");
        await cat.NextAsync(l => l == ":amy!amy@parley NICK ann");
        await cat.SendAsync("NAMES #room");
        Assert.EndsWith(" = #room :@ann cat", await cat.NumericAsync("353"));
        // Its operator status went with it, and the old nick is free again.
        await using var again = await IrcClient.GuestAsync(server.IrcPort, "amy");

        await using var irc = await IrcClient.SignInAsync(server.IrcPort, "bob");
        await irc.SendAsync("NICK robert");
        await irc.NumericAsync("447");
    }

    [Fact]
    public async Task Away_is_shown_in_whois_to_senders_and_to_away_notify_clients()
    {
        await using var server = await OpenServerAsync();
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy", "away-notify");
        await using var cat = await IrcClient.GuestAsync(server.IrcPort, "cat");
        await amy.SendAsync("JOIN #room");
        await amy.NumericAsync("366");
        await cat.SendAsync("JOIN #room");
        await cat.NumericAsync("366");

        await cat.SendAsync("AWAY :out to lunch");
        await cat.NumericAsync("306");
        await amy.NextAsync(l => l == ":cat!cat@parley AWAY :out to lunch");
        await amy.SendAsync("PRIVMSG cat :there?");
        Assert.EndsWith(" cat :out to lunch", await amy.NumericAsync("301"));
        await amy.SendAsync("WHOIS cat");
        Assert.EndsWith(" cat :out to lunch", await amy.NumericAsync("301"));
        await amy.SendAsync("WHO cat");
        Assert.Contains(" cat G :0 cat", await amy.NumericAsync("352"));
        await cat.SendAsync("AWAY");
        await cat.NumericAsync("305");
        await amy.NextAsync(l => l == ":cat!cat@parley AWAY");
    }

    [Fact]
    public async Task An_away_user_who_joins_is_shown_away_at_once_to_away_notify_clients_only()
    {
        await using var server = await OpenServerAsync();
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy", "away-notify");
        await using var ann = await IrcClient.GuestAsync(server.IrcPort, "ann", "away-notify");
        await using var bea = await IrcClient.GuestAsync(server.IrcPort, "bea");
        await using var cat = await IrcClient.GuestAsync(server.IrcPort, "cat");
        foreach (var member in new[] { amy, ann, bea })
        {
            await member.SendAsync("JOIN #room");
            await member.NumericAsync("366");
        }
        await cat.SendAsync("AWAY :out to lunch");
        await cat.NumericAsync("306");
        await cat.SendAsync("JOIN #room");
        await cat.NumericAsync("366");

        foreach (var notified in new[] { amy, ann })
        {
            await notified.NextAsync(l => l == ":cat!cat@parley JOIN #room");
            Assert.Equal(":cat!cat@parley AWAY :out to lunch", await notified.NextAsync(_ => true));
        }
        await bea.NextAsync(l => l == ":cat!cat@parley JOIN #room");
        await bea.SendAsync("PING :after");
        await bea.NextAsync(l => l.EndsWith(" :after"));
        Assert.DoesNotContain(bea.Lines, l => l.Contains(" AWAY "));
    }

    [Fact]
    public async Task Who_by_mask_shows_an_invisible_user_only_to_those_sharing_a_channel_with_it()
    {
        await using var server = await OpenServerAsync();
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy");
        await using var bea = await IrcClient.GuestAsync(server.IrcPort, "bea");
        await using var cat = await IrcClient.GuestAsync(server.IrcPort, "cat");
        await amy.SendAsync("MODE amy +i");
        await amy.NextAsync(l => l.EndsWith(" MODE amy +i"));
        await amy.SendAsync("JOIN #room");
        await amy.NumericAsync("366");
        await cat.SendAsync("JOIN #room");
        await cat.NumericAsync("366");

        await bea.SendAsync("WHO a*");
        await bea.NumericAsync("315");
        Assert.DoesNotContain(bea.Lines, l => IrcClient.Numeric(l) == "352");
        await cat.SendAsync("WHO a*");
        Assert.Contains(" amy H :0 ", await cat.NumericAsync("352"));
        await amy.SendAsync("WHO a*");
        Assert.Contains(" amy H :0 ", await amy.NumericAsync("352"));
    }

    [Fact]
    public async Task A_guest_that_changes_its_nick_stays_away()
    {
        await using var server = await OpenServerAsync();
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy");
        await using var cat = await IrcClient.GuestAsync(server.IrcPort, "cat");
        await cat.SendAsync("AWAY :out to lunch");
        await cat.NumericAsync("306");
        await cat.SendAsync("NICK kit");
        await cat.NextAsync(l => l == ":cat!cat@parley NICK kit");

        await amy.SendAsync("WHOIS kit");
        Assert.EndsWith(" kit :out to lunch", await amy.NumericAsync("301"));
    }

    [Fact]
    public async Task Time_tells_the_servers_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 3, 4, 5, 6, 7, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync(new() { ["IrcGuests"] = "open" }, time: time);
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy");
        await amy.SendAsync("TIME");
        Assert.EndsWith(" :Tuesday March 04 2031 -- 05:06:07 +00:00", await amy.NumericAsync("391"));
    }

    [Fact]
    public async Task Whowas_lusers_time_version_and_info_answer()
    {
        await using var server = await OpenServerAsync();
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy");
        // The welcome includes LUSERS.
        Assert.Contains(amy.Lines, l => l.EndsWith(" 251 amy :There are 1 users and 0 invisible on 1 servers"));
        var gone = await IrcClient.ConnectAsync(server.IrcPort);
        await gone.SendAsync("NICK gone");
        await gone.SendAsync("USER gonename 0 * :Gone Person");
        await gone.NumericAsync("376");
        await gone.SendAsync("QUIT :bye");
        await gone.Closed;
        await gone.DisposeAsync();

        await Until.TrueAsync(async () =>
        {
            await amy.SendAsync("WHOWAS gone");
            return IrcClient.Numeric(await amy.NextAsync(l => IrcClient.Numeric(l) is "314" or "406")) == "314";
        }, "WHOWAS knows the nick");
        Assert.Contains(" gone ~gonename parley * :Gone Person", amy.Lines.Last(l => IrcClient.Numeric(l) == "314"));
        await amy.NumericAsync("369");
        await amy.SendAsync("WHOWAS never");
        await amy.NumericAsync("406");
        await amy.NumericAsync("369");
        await amy.SendAsync("LUSERS");
        await amy.NumericAsync("266");
        await amy.SendAsync("TIME");
        await amy.NumericAsync("391");
        await amy.SendAsync("VERSION");
        await amy.NumericAsync("351");
        await amy.SendAsync("INFO");
        await amy.NumericAsync("374");
    }
}
