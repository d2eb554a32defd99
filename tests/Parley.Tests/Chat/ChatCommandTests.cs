using Parley.Cli.Commands;
using Parley.Tests.Support;

namespace Parley.Tests.Chat;

/// <summary>`parley chat` run through its entry point with redirected streams, as a script would run it.</summary>
public sealed class ChatCommandTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private sealed record Running(LineInput Input, CapturedOutput Output, CapturedOutput Error, Task<int> Exit);

    private Running Start(string user, string password = "password1", bool register = true, string room = "lobby", int? port = null)
    {
        var input = new LineInput();
        var output = new CapturedOutput();
        var error = new CapturedOutput();
        var settings = new ChatCommand.ChatSettings($"127.0.0.1:{port ?? _server.TcpPort}", user, room, PasswordStdin: false, register, password);
        var exit = Task.Run(() => ChatCommand.RunAsync(settings, input, output, error, interactive: false, CancellationToken.None));
        return new Running(input, output, error, exit);
    }

    private static async Task<int> Finish(Running chat)
    {
        chat.Input.End();
        return await chat.Exit.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Two_scripted_clients_exchange_room_and_direct_messages()
    {
        var bob = Start("bob");
        await using (var probe = await _server.RegisterAsync("probe"))
            await Until.TrueAsync(async () => (await probe.OkAsync("online")).GetProperty("users").EnumerateArray().Any(u => u.GetString() == "bob"), "bob is online");

        var alice = Start("alice");
        alice.Input.Send("hello bob");
        alice.Input.Send("/msg bob a secret");
        Assert.Equal(0, await Finish(alice));
        Assert.Contains(alice.Output.Lines, l => l.EndsWith("#lobby alice: hello bob"));
        Assert.Contains(alice.Output.Lines, l => l.EndsWith("@bob alice: a secret"));

        await bob.Output.WaitForLineAsync("#lobby alice: hello bob");
        await bob.Output.WaitForLineAsync("@alice alice: a secret");
        bob.Input.Send("/msg alice got it");
        bob.Input.Send("/switch @alice");
        bob.Input.Send("and this too");
        Assert.Equal(0, await Finish(bob));
        Assert.Equal("", bob.Error.Text);

        var aliceAgain = Start("alice");
        aliceAgain.Input.Send("/switch @bob");
        Assert.Equal(0, await Finish(aliceAgain));
        var lines = aliceAgain.Output.Lines;
        var gotIt = lines.ToList().FindIndex(l => l.EndsWith("@bob bob: got it"));
        var andThis = lines.ToList().FindIndex(l => l.EndsWith("@bob bob: and this too"));
        Assert.True(gotIt >= 0 && andThis > gotIt, aliceAgain.Output.Text);
    }

    [Fact]
    public async Task A_room_owner_runs_the_room_from_the_terminal()
    {
        await using var bob = await _server.RegisterAsync("bob");
        var alice = Start("alice");
        alice.Input.Send("/create Dev");
        alice.Input.Send("/invite bob");
        await alice.Output.WaitForLineAsync("added bob to #Dev");
        await bob.NextAsync("join", e => e.GetProperty("room").GetString() == "Dev");

        alice.Input.Send("/mute bob 30m");
        // The room's system line, as news.
        await alice.Output.WaitForLineAsync("#Dev alice muted bob until ");
        Assert.Equal("muted", await bob.ErrorAsync("send", new { room = "Dev", text = "hi" }));
        alice.Input.Send("/op bob");
        alice.Input.Send("/private");
        alice.Input.Send("/room");
        await alice.Output.WaitForLineAsync("roles: alice (owner), bob (admin)");
        // /room prints its mutes last, after the roles line this waited for.
        await alice.Output.WaitForLineAsync("-- muted: bob until ");
        Assert.True(alice.Output.Lines.Any(l => l.Contains("#Dev (2 members, private); you are owner")), alice.Output.Text);

        alice.Input.Send("/ban bob 2h spamming");
        await alice.Output.WaitForLineAsync("#Dev alice banned bob until ");
        Assert.Equal("banned", await bob.ErrorAsync("join", new { room = "Dev" }));
        alice.Input.Send("/kick");
        alice.Input.Send("/delete Dev");
        // A script whose command failed (the /kick without a user) ends with 1.
        Assert.Equal(1, await Finish(alice));
        Assert.Contains(alice.Output.Lines, l => l == "error: usage: /kick USER [reason]");
        Assert.Contains(alice.Output.Lines, l => l == "-- alice deleted #Dev");
        Assert.Equal("no_such_room", await bob.ErrorAsync("join", new { room = "Dev" }));
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("2h", 7200)]
    [InlineData("7D", 604800)]
    [InlineData("spam", null)]
    [InlineData("0m", null)]
    [InlineData("-5m", null)]
    [InlineData("m", null)]
    public void A_ban_or_mute_duration_is_a_number_and_a_unit(string word, int? seconds) =>
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, Parley.Cli.Chat.ChatApp.Duration(word));

    [Fact]
    public async Task In_a_large_lobby_the_chat_shows_its_direct_partners_coming_and_going_and_no_one_else()
    {
        await using var server = await TestServer.StartAsync(new() { ["Limits:LargeRoomMembers"] = "1" });
        foreach (var name in new[] { "bob", "carol" })
            await (await server.RegisterAsync(name)).DisposeAsync();
        var alice = Start("alice", port: server.TcpPort);
        alice.Input.Send("/msg bob are you there?");
        await alice.Output.WaitForLineAsync("@bob alice: are you there?");

        await using (var carol = await server.ConnectAsync())
        {
            await carol.OkAsync("login", new { user = "carol", password = "password1" });
            await using var bob = await server.ConnectAsync();
            await bob.OkAsync("login", new { user = "bob", password = "password1" });
            await alice.Output.WaitForLineAsync("bob is online");
        }
        await alice.Output.WaitForLineAsync("bob is offline");
        Assert.Equal(0, await Finish(alice));
        Assert.DoesNotContain(alice.Output.Lines, l => l.Contains("carol is", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_removal_by_a_moderator_says_who_removed_whom_and_why()
    {
        await using var owner = await _server.RegisterAsync("owner");
        await owner.OkAsync("create", new { room = "team" });
        var alice = Start("alice");
        alice.Input.Send("/join team");
        await alice.Output.WaitForLineAsync("team");
        await using (var bob = await _server.RegisterAsync("bob"))
            await bob.OkAsync("join", new { room = "team" });
        await using var irc = await IrcClient.SignInAsync(_server.IrcPort, "owner");
        await irc.SendAsync("KICK #team bob :off topic");
        await alice.Output.WaitForLineAsync("#team owner removed bob: off topic");
        await irc.SendAsync("PART #team :lunch");
        await alice.Output.WaitForLineAsync("owner left #team (lunch)");
        // The owner left: the room is alice's now, the one member online.
        await alice.Output.WaitForLineAsync("#team owner made alice the owner");
        Assert.Equal(0, await Finish(alice));
    }

    [Fact]
    public async Task Wrong_password_fails_with_a_message_and_exit_code()
    {
        Assert.Equal(0, await Finish(Start("alice")));
        var wrong = Start("alice", password: "not-the-password", register: true);
        Assert.Equal(1, await Finish(wrong));
        Assert.Contains("not its password", wrong.Error.Text);

        var unknown = Start("nobody", register: false);
        Assert.Equal(1, await Finish(unknown));
        Assert.Contains("wrong user name or password", unknown.Error.Text);
        Assert.Contains("--register", unknown.Error.Text);
    }

    [Fact]
    public async Task Unknown_commands_and_users_print_one_line_and_the_session_goes_on()
    {
        var alice = Start("alice");
        alice.Input.Send("/frobnicate");
        alice.Input.Send("/msg ghost are you there");
        alice.Input.Send("/join nowhere");
        alice.Input.Send("still here");
        Assert.Equal(1, await Finish(alice));
        var output = alice.Output.Text;
        Assert.Contains("error: unknown command '/frobnicate'; /help lists them", output);
        Assert.Contains("error: there is no user 'ghost' [no_such_user]", output);
        // The hint names this client's commands, not protocol ops.
        Assert.Contains("error: there is no room 'nowhere'; /rooms lists them, /create makes one [no_such_room]", output);
        Assert.Contains("#lobby alice: still here", output);
    }

    [Fact]
    public async Task Switching_to_a_room_one_is_not_in_fails_and_keeps_the_current_conversation()
    {
        await using (var owner = await _server.RegisterAsync("owner"))
            await owner.OkAsync("create", new { room = "private" });
        var alice = Start("alice");
        alice.Input.Send("/switch private");
        alice.Input.Send("still in lobby");
        Assert.Equal(1, await Finish(alice));
        Assert.Contains("[not_member]", alice.Output.Text);
        Assert.Contains(alice.Output.Lines, l => l.EndsWith("#lobby alice: still in lobby"));
    }

    [Fact]
    public async Task Commands_cover_rooms_topics_members_and_history()
    {
        var alice = Start("alice");
        alice.Input.Send("/create dev where code is discussed");
        alice.Input.Send("first in dev");
        alice.Input.Send("/topic shipping on friday");
        alice.Input.Send("/who");
        alice.Input.Send("/rooms");
        alice.Input.Send("/users");
        alice.Input.Send("/history 5");
        alice.Input.Send("//slash at the start");
        alice.Input.Send("/leave");
        alice.Input.Send("/help");
        Assert.Equal(0, await Finish(alice));
        var output = alice.Output.Text;
        Assert.Contains("-- created #dev — where code is discussed", output);
        Assert.Contains("#dev alice: first in dev", output);
        Assert.Contains("-- topic of #dev: shipping on friday", output);
        Assert.Contains("-- #dev (1 member, 1 online): alice (online)", output);
        Assert.Contains("-- * #dev (1) — shipping on friday", output);
        Assert.Contains("-- online (1): alice", output);
        Assert.Contains("#dev alice: /slash at the start", output);
        Assert.Contains("-- left #dev", output);
        Assert.Contains("/msg USER TEXT", output);
        // /history printed the earlier message a second time.
        Assert.Equal(2, alice.Output.Lines.Count(l => l.EndsWith("#dev alice: first in dev")));
    }

    [Fact]
    public async Task Control_characters_in_messages_are_shown_harmlessly()
    {
        var bob = Start("bob");
        await using (var probe = await _server.RegisterAsync("probe"))
            await Until.TrueAsync(async () => (await probe.OkAsync("online")).GetProperty("users").EnumerateArray().Any(u => u.GetString() == "bob"), "bob is online");
        await using (var mallory = await _server.RegisterAsync("mallory"))
            await mallory.OkAsync("send", new { room = "lobby", text = "clear \u001b[2J title \u001b]0;pwned\u0007 bell \u009b31m end \u202eevil" });
        await bob.Output.WaitForLineAsync("mallory:");
        Assert.Equal(0, await Finish(bob));
        var line = bob.Output.Lines.Single(l => l.Contains("mallory:"));
        Assert.DoesNotContain('\u001b', line);
        Assert.DoesNotContain('\u0007', line);
        Assert.DoesNotContain('\u009b', line);
        Assert.DoesNotContain('\u202e', line);
        Assert.EndsWith(@"mallory: clear \x1b[2J title \x1b]0;pwned\x07 bell \x9b31m end \u202eevil", line);
    }

    [Fact]
    public async Task A_chat_cut_off_by_a_server_restart_reconnects_and_shows_what_it_missed_once()
    {
        var data = TempDirectory.Create();
        var port = FreePort.Tcp();
        var settings = new Dictionary<string, string?> { ["Tcp"] = $"127.0.0.1:{port}" };
        try
        {
            var server = await TestServer.StartAsync(settings, data);
            await using (var talker = await server.RegisterAsync("talker"))
                await talker.OkAsync("send", new { room = "lobby", text = "before the restart" });
            var bob = Start("bob", port: port);
            await bob.Output.WaitForLineAsync("talker: before the restart");

            await server.DisposeAsync();
            await bob.Output.WaitForLineAsync("reconnecting");
            server = await TestServer.StartAsync(settings, data);
            await using (var talker = await server.ConnectAsync())
            {
                await talker.OkAsync("login", new { user = "talker", password = "password1" });
                await talker.OkAsync("send", new { room = "lobby", text = "while bob was away" });
            }
            await bob.Output.WaitForLineAsync("talker: while bob was away");
            await bob.Output.WaitForLineAsync("reconnected");
            bob.Input.Send("back again");
            await using (var talker = await server.ConnectAsync())
            {
                await talker.OkAsync("login", new { user = "talker", password = "password1" });
                await talker.OkAsync("send", new { room = "lobby", text = "welcome back" });
            }
            await bob.Output.WaitForLineAsync("talker: welcome back");
            Assert.True(0 == await Finish(bob), bob.Output.Text);
            Assert.Single(bob.Output.Lines, l => l.EndsWith("talker: while bob was away"));
            Assert.Single(bob.Output.Lines, l => l.EndsWith("talker: before the restart"));
            Assert.Contains(bob.Output.Lines, l => l.EndsWith("#lobby bob: back again"));
            await server.DisposeAsync();
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }

    [Fact]
    public async Task Topic_alone_shows_the_topic_and_changes_nothing_and_clear_is_explicit()
    {
        var alice = Start("alice");
        alice.Input.Send("/create dev builds");
        alice.Input.Send("/topic");
        Assert.Equal(0, await Finish(alice));
        Assert.Contains("-- topic of #dev: builds", alice.Output.Text);
        await using var probe = await _server.RegisterAsync("probe");
        Assert.Equal("builds", await TopicAsync(probe, "dev"));

        var again = Start("alice", room: "dev");
        again.Input.Send("/topic --clear");
        again.Input.Send("/topic");
        Assert.Equal(0, await Finish(again));
        Assert.Contains("-- cleared the topic of #dev", again.Output.Text);
        Assert.Contains("-- #dev has no topic; /topic TEXT sets one", again.Output.Text);
        Assert.Equal("", await TopicAsync(probe, "dev"));
    }

    private static async Task<string> TopicAsync(LineClient client, string room) =>
        (await client.OkAsync("rooms")).GetProperty("rooms").EnumerateArray()
            .Single(r => r.GetProperty("name").GetString() == room).GetProperty("topic").GetString()!;

    [Fact]
    public async Task Opening_a_room_at_start_shows_its_topic()
    {
        await using (var owner = await _server.RegisterAsync("owner"))
            await owner.OkAsync("create", new { room = "dev", topic = "builds and deploys" });
        var joining = Start("alice", room: "dev");
        Assert.Equal(0, await Finish(joining));
        Assert.Contains("-- joined #dev — builds and deploys (2 members)", joining.Output.Text);

        var member = Start("alice", room: "dev");
        Assert.Equal(0, await Finish(member));
        Assert.Contains("-- #dev — builds and deploys", member.Output.Text);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("201")]
    [InlineData("lots")]
    public async Task History_out_of_range_says_the_range(string count)
    {
        var alice = Start("alice");
        alice.Input.Send($"/history {count}");
        Assert.Equal(1, await Finish(alice));
        Assert.Contains("error: /history N shows the last N messages, N from 1 to 200; /history alone shows 20", alice.Output.Text);
    }

    [Fact]
    public async Task An_over_long_message_is_refused_with_the_lengths_and_the_chat_goes_on()
    {
        var alice = Start("alice");
        alice.Input.Send(new string('x', 100_000));
        alice.Input.Send("short one");
        Assert.Equal(1, await Finish(alice));
        Assert.Contains("error: messages are at most 4,000 characters; this one has 100,000 [text_too_long]", alice.Output.Text);
        Assert.Contains(alice.Output.Lines, l => l.EndsWith("#lobby alice: short one"));
    }

    [Fact]
    public async Task A_direct_message_printed_while_in_a_room_is_not_unread_at_the_next_sign_in()
    {
        var bob = Start("bob");
        await using var probe = await _server.RegisterAsync("alice");
        await Until.TrueAsync(async () => (await probe.OkAsync("online")).GetProperty("users").EnumerateArray().Any(u => u.GetString() == "bob"), "bob is online");
        await probe.OkAsync("send", new { to = "bob", text = "psst" });
        await bob.Output.WaitForLineAsync("@alice alice: psst");

        // bob is still in #lobby; signing in again elsewhere shows what the server counts unread.
        await Until.TrueAsync(async () =>
        {
            await using var elsewhere = await _server.ConnectAsync();
            var dms = (await elsewhere.OkAsync("login", new { user = "bob", password = "password1" })).GetProperty("dms");
            return dms.EnumerateArray().Single(d => d.GetProperty("with").GetString() == "alice").GetProperty("unread").GetInt64() == 0;
        }, "the printed direct message is marked read");
        Assert.Equal(0, await Finish(bob));
    }
}
