using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>QUIT and presence as IRC lines, join-time history, and IRC operators (OPER, KILL, WALLOPS).</summary>
public sealed class IrcPresenceAndOperatorTests
{
    [Fact]
    public async Task Others_see_a_quit_with_its_reason_and_a_join_when_the_user_comes_back()
    {
        await using var server = await TestServer.StartAsync();
        await using var aliceNative = await server.RegisterAsync("alice");
        await using var carol = await server.RegisterAsync("carol");
        await using (var bobNative = await server.RegisterAsync("bob"))
        {
        }
        await using var alice = await IrcClient.SignInAsync(server.IrcPort, "alice");
        await using (var bob = await IrcClient.SignInAsync(server.IrcPort, "bob"))
        {
            await bob.SendAsync("QUIT :gone fishing");
            await bob.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        }
        await alice.NextAsync(l => l == ":bob!bob@parley QUIT :Quit: gone fishing");
        // (Bob's native session going away earlier was an offline without a reason.)
        var offline = await carol.NextAsync("presence", p => p.GetProperty("user").GetString() == "bob" && p.TryGetProperty("reason", out _));
        Assert.False(offline.GetProperty("online").GetBoolean());
        Assert.Equal("Quit: gone fishing", offline.GetProperty("reason").GetString());

        // Membership outlives the connection: when bob is back, IRC clients see him join the channels they share.
        await using var bobAgain = await server.ConnectAsync();
        await bobAgain.OkAsync("login", new { user = "bob", password = "password1" });
        await alice.NextAsync(l => l == ":bob!bob@parley JOIN #lobby");
    }

    [Fact]
    public async Task Joining_a_channel_plays_back_its_latest_messages_with_their_times()
    {
        await using var server = await TestServer.StartAsync(new() { ["IrcJoinHistory"] = "2" });
        await using var bob = await server.RegisterAsync("bob");
        await bob.OkAsync("create", new { room = "news" });
        await bob.OkAsync("send", new { room = "news", text = "one" });
        var two = await bob.OkAsync("send", new { room = "news", text = "two" });
        await bob.OkAsync("send", new { room = "news", text = "three" });
        await using var aliceNative = await server.RegisterAsync("alice");
        await using var alice = await IrcClient.SignInAsync(server.IrcPort, "alice", "password1", "server-time");

        await alice.SendAsync("JOIN #news");
        await alice.NumericAsync("366");
        var ts = two.GetProperty("message").GetProperty("ts").GetString();
        Assert.Equal($"@time={ts} :bob!bob@parley PRIVMSG #news :two", await alice.NextAsync(l => l.Contains("PRIVMSG #news")));
        Assert.EndsWith("PRIVMSG #news :three", await alice.NextAsync(l => l.Contains("PRIVMSG #news")));
        Assert.DoesNotContain(alice.Lines, l => l.EndsWith("PRIVMSG #news :one"));
    }

    [Fact]
    public async Task Joining_a_busy_channel_shows_every_message_once()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        var talkers = new List<LineClient> { bob };
        for (var i = 0; i < 3; i++)
        {
            var more = await server.ConnectAsync();
            await more.OkAsync("login", new { user = "bob", password = "password1" });
            talkers.Add(more);
        }
        await using var guest = await IrcClient.GuestAsync(server.IrcPort, "visitor");
        using var stop = new CancellationTokenSource();
        var count = 0;
        // Messages keep being committed while each JOIN's burst (names, latest messages) is written.
        var talking = talkers.Select(t => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                await t.OkAsync("send", new { room = "lobby", text = $"m{Interlocked.Increment(ref count)}" });
        })).ToList();
        for (var round = 0; round < 15; round++)
        {
            await guest.SendAsync("JOIN #lobby");
            await guest.NumericAsync("366");
            await guest.SendAsync("PART #lobby");
            await guest.NextAsync(l => l == ":visitor!visitor@parley PART #lobby");
        }
        await stop.CancelAsync();
        await Task.WhenAll(talking);

        // Nothing of the channel before the first JOIN; from each JOIN on, every message shows
        // once. (A delivery already under way when a PART is handled may still land just after
        // the PART line: that is not checked here.)
        Assert.DoesNotContain(guest.Lines.TakeWhile(l => l != ":visitor!visitor@parley JOIN #lobby"), l => l.Contains(" PRIVMSG #lobby :"));
        var seen = new HashSet<string>();
        foreach (var line in guest.Lines)
        {
            if (line == ":visitor!visitor@parley JOIN #lobby")
                seen.Clear();
            else if (line.Contains(" PRIVMSG #lobby :"))
                Assert.True(seen.Add(line), $"shown twice: {line}");
        }
        foreach (var talker in talkers.Skip(1))
            await talker.DisposeAsync();
    }

    [Fact]
    public async Task Join_history_can_be_switched_off()
    {
        await using var server = await TestServer.StartAsync(new() { ["IrcJoinHistory"] = "0" });
        await using var bob = await server.RegisterAsync("bob");
        await bob.OkAsync("send", new { room = "lobby", text = "before you came" });
        await using var guest = await IrcClient.GuestAsync(server.IrcPort, "visitor");
        await guest.SendAsync("JOIN #lobby");
        await guest.NumericAsync("366");
        await guest.SendAsync("PING :mark");
        await guest.NextAsync(l => l.Contains("PONG") && l.EndsWith("mark"));
        Assert.DoesNotContain(guest.Lines, l => l.Contains("before you came"));
    }

    [Fact]
    public async Task Oper_needs_a_configured_operator_and_its_password()
    {
        await using var none = await TestServer.StartAsync();
        await using (var aliceNative = await none.RegisterAsync("alice"))
        {
        }
        await using (var alice = await IrcClient.SignInAsync(none.IrcPort, "alice"))
        {
            await alice.SendAsync("OPER admin secret");
            await alice.NumericAsync("491");
        }

        await using var server = await TestServer.StartAsync(new() { ["IrcOperators:admin"] = "s3cret-oper" });
        await using var bobNative = await server.RegisterAsync("bob");
        await using var bob = await IrcClient.SignInAsync(server.IrcPort, "bob");
        await bob.SendAsync("KILL someone :no");
        await bob.NumericAsync("481");
        await bob.SendAsync("WALLOPS :hello");
        await bob.NumericAsync("481");
        await bob.SendAsync("OPER admin wrong");
        await bob.NumericAsync("464");
        await bob.SendAsync("OPER");
        await bob.NumericAsync("461");
        await bob.SendAsync("OPER admin s3cret-oper");
        await bob.NumericAsync("381");

        // Guests never become operators, whatever they type.
        await using var guest = await IrcClient.GuestAsync(server.IrcPort, "visitor");
        await guest.SendAsync("OPER admin s3cret-oper");
        await guest.NumericAsync("491");
    }

    [Fact]
    public async Task An_operator_kills_a_user_everyone_sees_why_and_wallops_reach_all()
    {
        await using var server = await TestServer.StartAsync(new() { ["IrcOperators:admin"] = "s3cret-oper" });
        await using var opNative = await server.RegisterAsync("op");
        await using var carol = await server.RegisterAsync("carol");
        await using var malloryNative = await server.RegisterAsync("mallory");
        await using var op = await IrcClient.SignInAsync(server.IrcPort, "op");
        await using var mallory = await IrcClient.SignInAsync(server.IrcPort, "mallory");
        await op.SendAsync("OPER admin s3cret-oper");
        await op.NumericAsync("381");

        await op.SendAsync("KILL nobody :spam");
        await op.NumericAsync("401");
        await op.SendAsync("KILL mallory :spam");
        Assert.Equal("ERROR :Closing link: Killed (op (spam))", await mallory.NextAsync(l => l.StartsWith("ERROR")));
        await mallory.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        // Her native session is ended too, with the stable reason.
        var bye = await malloryNative.NextAsync("bye");
        Assert.Equal("killed", bye.GetProperty("reason").GetString());
        await op.NextAsync(l => l == ":mallory!mallory@parley QUIT :Killed (op (spam))");

        await op.SendAsync("WALLOPS :maintenance at noon");
        await op.NextAsync(l => l == ":op!op@parley WALLOPS :maintenance at noon");
        var announcement = await carol.NextAsync("announcement");
        Assert.Equal("op", announcement.GetProperty("from").GetString());
        Assert.Equal("maintenance at noon", announcement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task The_server_pings_a_silent_client_and_drops_one_that_never_answers()
    {
        // Long enough that a test slowed by a busy machine still answers its PING within one
        // interval: at 0.3 s a late PONG let the answering client be dropped first (a CI flake).
        await using var server = await TestServer.StartAsync(new() { ["IrcPingInterval"] = "00:00:01" });
        await using var answering = await IrcClient.GuestAsync(server.IrcPort, "answering");
        await using var silent = await IrcClient.GuestAsync(server.IrcPort, "silent");
        await answering.SendAsync("JOIN #lobby");
        await silent.SendAsync("JOIN #lobby");
        await silent.NumericAsync("366");

        var ping = await answering.NextAsync(l => l.StartsWith("PING "));
        await answering.SendAsync("PONG " + ping[5..]);
        await silent.NextAsync(l => l.StartsWith("PING "));
        Assert.StartsWith("ERROR :Closing link: Ping timeout", await silent.NextAsync(l => l.StartsWith("ERROR")));
        await silent.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        await answering.NextAsync(l => l.StartsWith(":silent!silent@parley QUIT :Ping timeout"));
        Assert.False(answering.Closed.IsCompleted);
    }
}
