using System.Text;
using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>Raw IRC conversations over real TCP with the real server, and IRC ↔ native in the same rooms.</summary>
public sealed class IrcServerTests
{
    private static string Plain(string user, string password) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));

    [Fact]
    public async Task Registers_with_cap_and_sasl_and_gets_the_welcome_and_isupport()
    {
        await using var server = await TestServer.StartAsync();
        await using var native = await server.RegisterAsync("alice");
        await using var irc = await IrcClient.ConnectAsync(server.IrcPort);
        await irc.SendAsync("CAP LS 302");
        Assert.Contains("sasl=PLAIN", await irc.NextAsync(l => l.Contains(" CAP * LS ")));
        await irc.SendAsync("NICK alice");
        await irc.SendAsync("USER alice 0 * :Alice");
        await irc.SendAsync("CAP REQ :sasl server-time");
        await irc.NextAsync(l => l.Contains(" CAP alice ACK :sasl server-time"));
        await irc.SendAsync("AUTHENTICATE PLAIN");
        await irc.NextAsync(l => l == "AUTHENTICATE +");
        await irc.SendAsync($"AUTHENTICATE {Plain("alice", "password1")}");
        Assert.Contains("alice!alice@parley alice", await irc.NumericAsync("900"));
        await irc.NumericAsync("903");
        Assert.True(irc.HasNo(l => IrcClient.Numeric(l) == "001"), "no welcome before CAP END");
        await irc.SendAsync("CAP END");
        Assert.StartsWith(":parley 001 alice :Welcome to the Parley IRC Network alice!alice@parley", await irc.NumericAsync("001"));
        await irc.NumericAsync("004");
        var isupport = await irc.NumericAsync("005");
        foreach (var token in new[] { "CASEMAPPING=ascii", "CHANTYPES=#", "NICKLEN=32", "CHANNELLEN=33", "TOPICLEN=300", "NETWORK=Parley", "PREFIX=(ov)@+", "CHANMODES=b,k,l,imnst", "CHANLIMIT=#:" })
            Assert.Contains($" {token} ", isupport);
        await irc.NumericAsync("375");
        await irc.NumericAsync("376");
        // alice is in #lobby already: the welcome replays it as a JOIN with its names.
        await irc.NextAsync(l => l == ":alice!alice@parley JOIN #lobby");
        Assert.EndsWith(" = #lobby :alice", await irc.NumericAsync("353"));
        await irc.NumericAsync("366");
    }

    [Fact]
    public async Task Sasl_with_a_wrong_password_fails_with_904_and_an_unknown_mechanism_lists_plain()
    {
        await using var server = await TestServer.StartAsync();
        await using var aliceNative = await server.RegisterAsync("alice");
        await using var irc = await IrcClient.ConnectAsync(server.IrcPort);
        await irc.SendAsync("CAP REQ :sasl");
        await irc.SendAsync("AUTHENTICATE EXTERNAL");
        Assert.Contains(" PLAIN :", await irc.NumericAsync("908"));
        await irc.NumericAsync("904");
        await irc.SendAsync("AUTHENTICATE PLAIN");
        await irc.NextAsync(l => l == "AUTHENTICATE +");
        await irc.SendAsync($"AUTHENTICATE {Plain("alice", "wrong-password")}");
        await irc.NumericAsync("904");
        await irc.SendAsync("AUTHENTICATE PLAIN");
        await irc.NextAsync(l => l == "AUTHENTICATE +");
        await irc.SendAsync("AUTHENTICATE *");
        await irc.NumericAsync("906");
    }

    [Fact]
    public async Task Registers_with_pass_and_refuses_a_wrong_password()
    {
        await using var server = await TestServer.StartAsync();
        await using var aliceNative = await server.RegisterAsync("alice");
        await using (var irc = await IrcClient.SignInAsync(server.IrcPort, "alice"))
            Assert.Contains(irc.Lines, l => l.StartsWith(":parley 001 alice "));

        await using var wrong = await IrcClient.ConnectAsync(server.IrcPort);
        await wrong.SendAsync("PASS nope-nope-nope");
        await wrong.SendAsync("NICK alice");
        await wrong.SendAsync("USER alice 0 * :Alice");
        await wrong.NumericAsync("464");
        await wrong.NextAsync(l => l.StartsWith("ERROR :"));
        await wrong.Closed.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Commands_before_registration_and_bad_commands_get_their_numerics()
    {
        await using var server = await TestServer.StartAsync();
        await using var aliceNative = await server.RegisterAsync("alice");
        await using var early = await IrcClient.ConnectAsync(server.IrcPort);
        await early.SendAsync("JOIN #lobby");
        await early.NumericAsync("451");
        await early.SendAsync("PING :tok en");
        Assert.Equal(":parley PONG parley :tok en", await early.NextAsync(l => IrcClient.Numeric(l) == "PONG"));
        await early.SendAsync("NICK 9bad");
        await early.NumericAsync("432");

        await using var irc = await IrcClient.SignInAsync(server.IrcPort, "alice");
        await irc.SendAsync("FROBNICATE x");
        Assert.Contains(" FROBNICATE :", await irc.NumericAsync("421"));
        await irc.SendAsync("USER a b");
        Assert.Contains(" USER :", await irc.NumericAsync("461"));
        await irc.SendAsync("JOIN");
        await irc.NumericAsync("461");
        await irc.SendAsync("PASS again");
        await irc.NumericAsync("462");
        await irc.SendAsync("PRIVMSG nobody :hi");
        Assert.Contains(" nobody :", await irc.NumericAsync("401"));
        await irc.SendAsync("PRIVMSG #nowhere :hi");
        Assert.Contains(" #nowhere :", await irc.NumericAsync("403"));
        await irc.SendAsync("PRIVMSG #lobby");
        await irc.NumericAsync("412");
        await irc.SendAsync("PART #nowhere");
        await irc.NumericAsync("403");
        await irc.SendAsync("NOTICE nobody :no reply to a notice");
        await irc.SendAsync("NICK bob");
        await irc.NumericAsync("447");
        await irc.SendAsync("JOIN bad");
        await irc.NumericAsync("403");
        await irc.SendAsync("WHOIS ghost");
        await irc.NumericAsync("401");
        await irc.NumericAsync("318");
        // A NOTICE never gets an error back: only the PRIVMSG's 401 is there.
        Assert.Single(irc.Lines, l => l.Contains(" 401 alice nobody "));
    }

    [Fact]
    public async Task Over_long_lines_get_417_and_the_connection_goes_on()
    {
        await using var server = await TestServer.StartAsync();
        await using var aliceNative = await server.RegisterAsync("alice");
        await using var irc = await IrcClient.SignInAsync(server.IrcPort, "alice");
        await irc.SendAsync("PRIVMSG #lobby :" + new string('x', 600));
        await irc.NumericAsync("417");
        // Longer than any line can be, even with tags: the rest of it is skipped.
        await irc.SendAsync("PRIVMSG #lobby :" + new string('y', 20_000));
        await irc.NumericAsync("417");
        await irc.SendAsync("@+tag=" + new string('t', 3000) + " PING :still-here");
        await irc.NextAsync(l => l == ":parley PONG parley :still-here");
        Assert.DoesNotContain(irc.Lines, l => l.StartsWith("ERROR"));
    }

    [Fact]
    public async Task Join_names_topic_list_who_whois_mode_away_part()
    {
        await using var server = await TestServer.StartAsync();
        await using var bobNative = await server.RegisterAsync("bob");
        await using var aliceNative = await server.RegisterAsync("alice");
        await using var irc = await IrcClient.SignInAsync(server.IrcPort, "alice");

        // A new channel is made on join, as on any IRC network.
        await irc.SendAsync("JOIN #Games,#lobby");
        await irc.NextAsync(l => l == ":alice!alice@parley JOIN #Games");
        // Its maker is its owner, shown as an operator.
        Assert.EndsWith(" = #Games :@alice", await irc.NumericAsync("353"));
        await irc.NumericAsync("366");
        await bobNative.OkAsync("join", new { room = "games" });
        await irc.NextAsync(l => l == ":bob!bob@parley JOIN #Games");

        await irc.SendAsync("TOPIC #games");
        await irc.NumericAsync("331");
        await irc.SendAsync("TOPIC #games :all the games");
        await irc.NextAsync(l => l == ":alice!alice@parley TOPIC #Games :all the games");
        Assert.Equal("all the games", (await bobNative.NextAsync("topic")).GetProperty("topic").GetString());
        await irc.SendAsync("TOPIC #games");
        Assert.EndsWith(" #Games :all the games", await irc.NumericAsync("332"));

        await irc.SendAsync("NAMES #games");
        Assert.EndsWith(" = #Games :@alice bob", await irc.NumericAsync("353"));
        await irc.NumericAsync("366");

        await irc.SendAsync("LIST");
        await irc.NumericAsync("321");
        Assert.EndsWith(" #Games 2 :all the games", await irc.NumericAsync("322"));
        await irc.NumericAsync("323");

        await irc.SendAsync("WHO #games");
        Assert.Contains(" #Games alice parley parley alice H@ :0 alice", await irc.NumericAsync("352"));
        Assert.Contains(" #Games bob parley parley bob H :0 bob", await irc.NumericAsync("352"));
        await irc.NumericAsync("315");

        await irc.SendAsync("WHOIS BOB");
        Assert.Contains(" 311 alice bob bob parley * :bob", await irc.NumericAsync("311"));
        await irc.NumericAsync("318");

        await irc.SendAsync("MODE #games");
        Assert.EndsWith(" #Games :+n", await irc.NumericAsync("324"));
        await irc.SendAsync("MODE alice");
        await irc.NumericAsync("221");
        await irc.SendAsync("AWAY :lunch");
        await irc.NumericAsync("306");
        await irc.SendAsync("AWAY");
        await irc.NumericAsync("305");

        await irc.SendAsync("PART #games");
        await irc.NextAsync(l => l == ":alice!alice@parley PART #Games");
        Assert.Equal("alice", (await bobNative.NextAsync("leave")).GetProperty("user").GetString());
        await irc.SendAsync("TOPIC #games :not a member");
        await irc.NumericAsync("442");
        await irc.SendAsync("PRIVMSG #games :hello?");
        await irc.NumericAsync("404");

        await irc.SendAsync("JOIN 0");
        await irc.NextAsync(l => l == ":alice!alice@parley PART #lobby");
    }

    [Fact]
    public async Task A_channel_named_twice_in_one_join_or_joined_again_is_joined_once()
    {
        await using var server = await TestServer.StartAsync();
        await using var native = await server.RegisterAsync("alice");
        await using var irc = await IrcClient.SignInAsync(server.IrcPort, "alice");

        await irc.SendAsync("JOIN #twice,#Twice");
        await irc.NextAsync(l => l == ":alice!alice@parley JOIN #twice");
        await irc.SendAsync("JOIN #TWICE");
        await irc.SendAsync("PING :after");
        await irc.NextAsync(l => l.Contains(" PONG ") && l.EndsWith("after"));

        Assert.Single(irc.Lines, l => l.EndsWith(" JOIN #twice", StringComparison.OrdinalIgnoreCase));
        Assert.Single(irc.Lines, l => IrcClient.Numeric(l) == "366" && l.Contains(" #twice ", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Irc_and_native_clients_talk_in_a_room_and_by_direct_message()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var aliceNative = await server.RegisterAsync("alice");
        await using var irc = await IrcClient.SignInAsync(server.IrcPort, "alice");

        await bob.OkAsync("send", new { room = "lobby", text = "hi from native\nsecond line" });
        await irc.NextAsync(l => l == ":bob!bob@parley PRIVMSG #lobby :hi from native");
        await irc.NextAsync(l => l == ":bob!bob@parley PRIVMSG #lobby :second line");

        await irc.SendAsync("PRIVMSG #LOBBY :hi from irc");
        var message = await bob.NextAsync("message");
        Assert.Equal("alice", message.GetProperty("from").GetString());
        Assert.Equal("lobby", message.GetProperty("room").GetString());
        Assert.Equal("hi from irc", message.GetProperty("text").GetString());

        await irc.SendAsync("PRIVMSG Bob :psst");
        var direct = await bob.NextAsync("message", m => m.TryGetProperty("to", out _));
        Assert.Equal("bob", direct.GetProperty("to").GetString());
        Assert.Equal("psst", direct.GetProperty("text").GetString());

        await bob.OkAsync("send", new { to = "alice", text = "psst back" });
        await irc.NextAsync(l => l == ":bob!bob@parley PRIVMSG alice :psst back");
        // No echo of its own messages without echo-message.
        Assert.DoesNotContain(irc.Lines, l => l.Contains(":alice!alice@parley PRIVMSG"));
    }

    [Fact]
    public async Task Tags_and_echo_go_only_to_clients_that_negotiated_them()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var aliceNative = await server.RegisterAsync("alice");
        await using var carolNative = await server.RegisterAsync("carol");
        await using var dave = await server.RegisterAsync("dave");
        await using var tagged = await IrcClient.SignInAsync(server.IrcPort, "alice", "password1", "message-tags", "server-time", "echo-message");
        await using var timeOnly = await IrcClient.SignInAsync(server.IrcPort, "carol", "password1", "server-time");
        await using var plain = await IrcClient.SignInAsync(server.IrcPort, "dave");

        var sent = await bob.OkAsync("send", new { room = "lobby", text = "tagged?" });
        var id = sent.GetProperty("message").GetProperty("id").GetString();
        var ts = sent.GetProperty("message").GetProperty("ts").GetString();
        Assert.Equal($"@time={ts};msgid={id} :bob!bob@parley PRIVMSG #lobby :tagged?", await tagged.NextAsync(l => l.Contains("tagged?")));
        Assert.Equal($"@time={ts} :bob!bob@parley PRIVMSG #lobby :tagged?", await timeOnly.NextAsync(l => l.Contains("tagged?")));
        Assert.Equal(":bob!bob@parley PRIVMSG #lobby :tagged?", await plain.NextAsync(l => l.Contains("tagged?")));

        await tagged.SendAsync("PRIVMSG #lobby :echo me");
        var echo = await tagged.NextAsync(l => l.Contains("echo me"));
        Assert.Matches(@"^@time=\S+;msgid=\S+ :alice!alice@parley PRIVMSG #lobby :echo me$", echo);
        await plain.NextAsync(l => l == ":alice!alice@parley PRIVMSG #lobby :echo me");
        await dave.NextAsync("message", m => m.GetProperty("text").GetString() == "echo me");
    }

    [Fact]
    public async Task Quit_closes_with_error_and_the_server_lists_the_irc_listener()
    {
        await using var server = await TestServer.StartAsync();
        Assert.NotEqual(0, server.IrcPort);
        await using var aliceNative = await server.RegisterAsync("alice");
        await using var irc = await IrcClient.SignInAsync(server.IrcPort, "alice");
        await irc.SendAsync("QUIT :bye now");
        Assert.Equal("ERROR :Closing link: Quit: bye now", await irc.NextAsync(l => l.StartsWith("ERROR")));
        await irc.Closed.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Pipelined_messages_keep_their_order_and_a_ping_after_them_answers_once_all_are_stored()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var aliceNative = await server.RegisterAsync("alice");
        await using var irc = await IrcClient.SignInAsync(server.IrcPort, "alice");

        // One write: 200 messages, then a PING. Messages do not wait for their commit before the
        // next line is read, but the PING waits for all of them.
        var burst = new StringBuilder();
        for (var i = 0; i < 200; i++)
            burst.Append($"PRIVMSG #lobby :n{i}\r\n");
        burst.Append("PING :after\r\n");
        await irc.SendBytesAsync(Encoding.UTF8.GetBytes(burst.ToString()));
        await irc.NextAsync(l => l.Contains("PONG") && l.EndsWith("after"));

        var history = await bob.OkAsync("history", new { room = "lobby", limit = 200 });
        var texts = history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()).Reverse().ToList();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"n{i}"), texts);
        for (var i = 0; i < 200; i++)
            Assert.Equal($"n{i}", (await bob.NextAsync("message")).GetProperty("text").GetString());
    }

    [Fact]
    public async Task Blank_privmsg_and_notice_are_dropped_like_empty_ones()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var aliceNative = await server.RegisterAsync("alice");
        await using var irc = await IrcClient.SignInAsync(server.IrcPort, "alice");

        // Spaces, a tab, the ideographic space, no-break spaces and zero-width padding: nothing to see.
        string[] blanks = ["   ", " \t ", "\u3000", "\u00A0\u202F", "\u200B\u200C\u200D\u2060\uFEFF", " \u200B\u3000 "];
        foreach (var blank in blanks)
        {
            await irc.SendAsync($"PRIVMSG #lobby :{blank}");
            await irc.SendAsync($"PRIVMSG bob :{blank}");
            await irc.SendAsync($"NOTICE #lobby :{blank}");
            await irc.SendAsync($"NOTICE #lobby,bob :{blank}");
        }
        await irc.SendAsync("PRIVMSG #lobby :\u3000visible\u3000");
        await irc.SendAsync("PING :after");
        await irc.NextAsync(l => l.Contains(" PONG ") && l.EndsWith("after"));

        // Each blank PRIVMSG got the 412 an empty one gets; a NOTICE never gets a reply.
        Assert.Equal(2 * blanks.Length, irc.Lines.Count(l => IrcClient.Numeric(l) == "412"));
        Assert.DoesNotContain(irc.Lines, l => IrcClient.Numeric(l) is "400" or "404");
        // Nothing blank reached the room or bob: the first message anyone sees is the visible one.
        Assert.Equal("\u3000visible\u3000", (await bob.NextAsync("message")).GetProperty("text").GetString());
        var history = await bob.OkAsync("history", new { room = "lobby", limit = 50 });
        Assert.Single(history.GetProperty("messages").EnumerateArray());
        var direct = await bob.OkAsync("history", new { with = "alice", limit = 50 });
        Assert.Empty(direct.GetProperty("messages").EnumerateArray());
    }
}
