using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>Details of classic IRC that irctest checks and clients rely on, against the real server over TCP (open guests).</summary>
public sealed class IrcConformanceTests
{
    private static Task<TestServer> OpenServerAsync() => TestServer.StartAsync(new() { ["IrcGuests"] = "open" });

    [Fact]
    public async Task A_client_that_reconnects_at_once_gets_its_nick_back()
    {
        await using var server = await OpenServerAsync();
        // The old connection's end and the new NICK race on different threads; each round is a chance to lose.
        for (var round = 0; round < 20; round++)
        {
            var first = await IrcClient.GuestAsync(server.IrcPort, "quick");
            await first.DisposeAsync();
            await using var again = await IrcClient.ConnectAsync(server.IrcPort);
            await again.SendAsync("NICK quick");
            await again.SendAsync("USER quick 0 * :quick");
            var reply = await again.NextAsync(l => IrcClient.Numeric(l) is "001" or "433");
            Assert.Equal("001", IrcClient.Numeric(reply));
        }
    }

    [Fact]
    public async Task Invalid_mode_parameters_get_696_and_an_unknown_nick_401()
    {
        await using var server = await OpenServerAsync();
        await using var op = await IrcClient.GuestAsync(server.IrcPort, "op");
        await op.SendAsync("JOIN #modes");
        await op.NumericAsync("366");

        await op.SendAsync("MODE #modes +k :pass phrase");
        Assert.EndsWith(" 696 op #modes k * :A key is 1 to 23 characters without spaces, commas or control characters", await op.NumericAsync("696"));
        await op.SendAsync("MODE #modes +k :");
        await op.NumericAsync("696");
        await op.SendAsync("MODE #modes +l abc");
        Assert.Contains(" 696 op #modes l abc :", await op.NumericAsync("696"));
        await op.SendAsync("MODE #modes +l 0");
        Assert.Contains(" 696 op #modes l 0 :", await op.NumericAsync("696"));
        await op.SendAsync("MODE #modes +o nobody");
        Assert.Contains(" 401 op nobody ", await op.NumericAsync("401"));

        // None of them changed anything; a valid key does.
        await op.SendAsync("MODE #modes");
        Assert.EndsWith(" 324 op #modes :+nt", await op.NumericAsync("324"));
        Assert.Matches(@" 329 op #modes \d{10}$", await op.NumericAsync("329"));
        await op.SendAsync("MODE #modes +k secret");
        await op.NextAsync(l => l == ":op!op@parley MODE #modes +k secret");
    }

    [Fact]
    public async Task Wallops_reach_users_with_mode_w_and_their_sender_only()
    {
        await using var server = await TestServer.StartAsync(new() { ["IrcGuests"] = "open", ["IrcOperators:admin"] = "s3cret" });
        await using var op = await IrcClient.GuestAsync(server.IrcPort, "op");
        await using var listener = await IrcClient.GuestAsync(server.IrcPort, "listener");
        await using var other = await IrcClient.GuestAsync(server.IrcPort, "other");
        await listener.SendAsync("MODE listener +w");
        await listener.NextAsync(l => l == ":listener!listener@parley MODE listener +w");
        await listener.SendAsync("MODE listener");
        Assert.EndsWith(" 221 listener :+w", await listener.NumericAsync("221"));
        await op.SendAsync("OPER admin s3cret");
        await op.NumericAsync("381");

        await op.SendAsync("WALLOPS :first");
        await op.NextAsync(l => l == ":op!op@parley WALLOPS :first");
        await listener.NextAsync(l => l == ":op!op@parley WALLOPS :first");
        // "other" has no +w: after a PING round trip that came later, still no WALLOPS.
        await other.SendAsync("PING after");
        await other.NextAsync(l => l.Contains("PONG") && l.EndsWith("after"));
        Assert.DoesNotContain(other.Lines, l => l.Contains("WALLOPS"));
    }

    [Fact]
    public async Task Who_with_a_plain_nick_shows_an_invisible_user_but_a_pattern_does_not()
    {
        await using var server = await OpenServerAsync();
        await using var evan = await IrcClient.GuestAsync(server.IrcPort, "evan");
        await using var asker = await IrcClient.GuestAsync(server.IrcPort, "asker");
        await evan.SendAsync("MODE evan +i");
        await evan.NextAsync(l => l.EndsWith("MODE evan +i"));

        await asker.SendAsync("WHO eva*");
        await asker.NumericAsync("315");
        Assert.DoesNotContain(asker.Lines, l => IrcClient.Numeric(l) == "352");
        await asker.SendAsync("WHO evan");
        Assert.Contains(" evan H :0 evan", await asker.NumericAsync("352"));
    }

    [Fact]
    public async Task List_leaves_out_rooms_nobody_is_in_unless_named()
    {
        await using var server = await OpenServerAsync();
        await using var guest = await IrcClient.GuestAsync(server.IrcPort, "guest");
        await guest.SendAsync("JOIN #busy");
        await guest.NumericAsync("366");

        await guest.SendAsync("LIST");
        await guest.NumericAsync("323");
        Assert.Contains(guest.Lines, l => l.Contains(" 322 guest #busy 1 "));
        Assert.DoesNotContain(guest.Lines, l => l.Contains(" 322 guest #lobby "));
        await guest.SendAsync("LIST #lobby");
        Assert.Contains(" 322 guest #lobby 0 ", await guest.NumericAsync("322"));
    }

    [Fact]
    public async Task In_a_guests_channel_the_creator_is_an_operator_like_any_other()
    {
        await using var server = await OpenServerAsync();
        await using var foo = await IrcClient.GuestAsync(server.IrcPort, "foo");
        await using var bar = await IrcClient.GuestAsync(server.IrcPort, "bar");
        await using var carl = await IrcClient.GuestAsync(server.IrcPort, "carl");
        await foo.SendAsync("JOIN #chan");
        await foo.NumericAsync("366");
        await bar.SendAsync("JOIN #chan");
        await bar.NumericAsync("366");

        // The creator gives up its operator status, and then may not invite to an invite-only channel.
        await foo.SendAsync("MODE #chan +i");
        await foo.NextAsync(l => l == ":foo!foo@parley MODE #chan +i");
        await foo.SendAsync("MODE #chan +o bar");
        await foo.NextAsync(l => l == ":foo!foo@parley MODE #chan +o bar");
        await foo.SendAsync("MODE #chan -o foo");
        await foo.NextAsync(l => l == ":foo!foo@parley MODE #chan -o foo");
        await foo.SendAsync("INVITE carl #chan");
        await foo.NumericAsync("482");

        // Another operator may kick it.
        await bar.SendAsync("MODE #chan +o foo");
        await bar.NextAsync(l => l == ":bar!bar@parley MODE #chan +o foo");
        await bar.SendAsync("KICK #chan foo :bye");
        await foo.NextAsync(l => l == ":bar!bar@parley KICK #chan foo :bye");
    }

    [Fact]
    public async Task Client_only_tags_travel_with_a_message_and_tagmsg_reaches_only_clients_with_message_tags()
    {
        await using var server = await OpenServerAsync();
        await using var alice = await IrcClient.GuestAsync(server.IrcPort, "alice", "message-tags", "echo-message");
        await using var bob = await IrcClient.GuestAsync(server.IrcPort, "bob", "message-tags");
        await using var carol = await IrcClient.GuestAsync(server.IrcPort, "carol", "server-time");
        foreach (var client in new[] { alice, bob, carol })
        {
            await client.SendAsync("JOIN #tags");
            await client.NumericAsync("366");
        }

        await alice.SendAsync("@+baz=b\\:at;fizz=buzz PRIVMSG #tags hi");
        var relayed = await bob.NextAsync(l => l.EndsWith(" PRIVMSG #tags :hi"));
        Assert.Matches(@"^@time=[^;]+;msgid=[^;]+;\+baz=b\\:at :alice!alice@parley PRIVMSG", relayed);
        var echo = await alice.NextAsync(l => l.EndsWith(" PRIVMSG #tags :hi"));
        Assert.Equal(relayed, echo);
        Assert.StartsWith("@time=", await carol.NextAsync(l => l.EndsWith(" PRIVMSG #tags :hi")));
        Assert.DoesNotContain(carol.Lines, l => l.Contains(" PRIVMSG ") && (l.Contains("+baz") || l.Contains("msgid=")));

        await alice.SendAsync("@+typing=active;cat=dog TAGMSG #tags");
        Assert.Matches(@"^@time=[^;]+;msgid=[^;]+;\+typing=active :alice!alice@parley TAGMSG #tags$", await bob.NextAsync(l => l.Contains(" TAGMSG ")));
        await alice.NextAsync(l => l.Contains(" TAGMSG #tags"));
        await alice.SendAsync("@+typing=active TAGMSG bob");
        await bob.NextAsync(l => l.EndsWith(":alice!alice@parley TAGMSG bob"));
        // carol, without message-tags, sees no TAGMSG: the next thing she hears is a later message.
        await alice.SendAsync("PRIVMSG #tags :after");
        await carol.NextAsync(l => l.EndsWith(" PRIVMSG #tags :after"));
        Assert.DoesNotContain(carol.Lines, l => IrcClient.Numeric(l) == "TAGMSG");
    }

    [Fact]
    public async Task A_channel_set_minus_n_takes_messages_from_outsiders()
    {
        await using var server = await OpenServerAsync();
        await using var op = await IrcClient.GuestAsync(server.IrcPort, "op");
        await using var outsider = await IrcClient.GuestAsync(server.IrcPort, "outsider");
        await op.SendAsync("JOIN #open");
        await op.NumericAsync("366");

        await outsider.SendAsync("PRIVMSG #open :knock knock");
        await outsider.NumericAsync("404");
        await op.SendAsync("MODE #open -n");
        await op.NextAsync(l => l == ":op!op@parley MODE #open -n");
        await op.SendAsync("MODE #open");
        Assert.EndsWith(" #open :+t", await op.NumericAsync("324"));
        await outsider.SendAsync("PRIVMSG #open :hello from outside");
        await op.NextAsync(l => l.EndsWith(":outsider!outsider@parley PRIVMSG #open :hello from outside"));
        await op.SendAsync("MODE #open +n");
        await op.NextAsync(l => l == ":op!op@parley MODE #open +n");
        await outsider.SendAsync("PRIVMSG #open :again?");
        await outsider.NumericAsync("404");
    }

    [Fact]
    public async Task A_notice_reaches_irc_clients_as_a_notice_and_is_kept_as_a_message()
    {
        await using var server = await TestServer.StartAsync();
        await using var bobNative = await server.RegisterAsync("bob");
        await using var aliceNative = await server.RegisterAsync("alice");
        await using var alice = await IrcClient.SignInAsync(server.IrcPort, "alice", caps: "echo-message");
        await using var bob = await IrcClient.SignInAsync(server.IrcPort, "bob");

        await alice.SendAsync("NOTICE #lobby :build finished");
        await bob.NextAsync(l => l == ":alice!alice@parley NOTICE #lobby :build finished");
        await alice.NextAsync(l => l == ":alice!alice@parley NOTICE #lobby :build finished");
        var message = await bobNative.NextAsync("message");
        Assert.Equal("build finished", message.GetProperty("text").GetString());
        await alice.SendAsync("NOTICE bob :psst");
        await bob.NextAsync(l => l == ":alice!alice@parley NOTICE bob :psst");

        // History keeps the text, as a plain message.
        var history = await bobNative.OkAsync("history", new { room = "lobby" });
        Assert.Contains("build finished", history.ToString());
    }

    [Fact]
    public async Task A_joiner_and_a_topic_query_learn_who_set_the_topic_and_when()
    {
        await using var server = await OpenServerAsync();
        await using var setter = await IrcClient.GuestAsync(server.IrcPort, "setter");
        await setter.SendAsync("JOIN #talk");
        await setter.NumericAsync("366");
        await setter.SendAsync("TOPIC #talk :plans for friday");
        await setter.NextAsync(l => l.EndsWith(" TOPIC #talk :plans for friday"));

        await using var joiner = await IrcClient.GuestAsync(server.IrcPort, "joiner");
        await joiner.SendAsync("JOIN #talk");
        Assert.EndsWith(" 332 joiner #talk :plans for friday", await joiner.NumericAsync("332"));
        Assert.Matches(@" 333 joiner #talk setter \d{10}$", await joiner.NumericAsync("333"));
        await joiner.SendAsync("TOPIC #talk");
        await joiner.NumericAsync("332");
        Assert.Matches(@" 333 joiner #talk setter \d{10}$", await joiner.NumericAsync("333"));

        // A room made with a topic: its maker set it.
        await using var maker = await server.RegisterAsync("maker");
        await maker.OkAsync("create", new { room = "made", topic = "from the start" });
        await joiner.SendAsync("JOIN #made");
        Assert.Matches(@" 333 joiner #made maker \d{10}$", await joiner.NumericAsync("333"));
    }

    [Fact]
    public async Task Links_targmax_names_and_kicks_of_several_and_the_list_of_invitations()
    {
        await using var server = await TestServer.StartAsync(new() { ["IrcGuests"] = "open", ["IrcServerDescription"] = "our chat" });
        await using var op = await IrcClient.GuestAsync(server.IrcPort, "op");
        Assert.Contains(op.Lines, l => IrcClient.Numeric(l) == "005" && l.Contains(" TARGMAX=") && l.Contains("KICK:,") && l.Contains("PRIVMSG:4"));
        await op.SendAsync("LINKS");
        Assert.EndsWith(" 364 op parley parley :0 our chat", await op.NumericAsync("364"));
        await op.NumericAsync("365");

        await using var bar = await IrcClient.GuestAsync(server.IrcPort, "bar");
        await using var baz = await IrcClient.GuestAsync(server.IrcPort, "baz");
        foreach (var client in new[] { op, bar, baz })
        {
            await client.SendAsync("JOIN #chan");
            await client.NumericAsync("366");
        }
        await op.SendAsync("NAMES #chan,#none");
        Assert.EndsWith(" = #chan :bar baz @op", await op.NumericAsync("353"));
        Assert.EndsWith(" 366 op #chan,#none :End of /NAMES list", await op.NumericAsync("366"));
        await op.SendAsync("KICK #chan,#chan bar,baz :bye");
        await op.NextAsync(l => l == ":op!op@parley KICK #chan bar :bye");
        await op.NextAsync(l => l == ":op!op@parley KICK #chan baz :bye");

        await op.SendAsync("MODE #chan +i");
        await op.NextAsync(l => l.EndsWith("MODE #chan +i"));
        await op.SendAsync("INVITE bar #chan");
        await bar.NextAsync(l => l == ":op!op@parley INVITE bar #chan");
        await bar.SendAsync("INVITE");
        Assert.EndsWith(" 336 bar :#chan", await bar.NumericAsync("336"));
        await bar.NumericAsync("337");
        await baz.SendAsync("INVITE");
        await baz.NumericAsync("337");
        Assert.DoesNotContain(baz.Lines, l => IrcClient.Numeric(l) == "336");
    }
}
