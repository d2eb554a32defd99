using System.Text.Json;
using Parley.Storage.Redis;
using Parley.Tests.Support;
using StackExchange.Redis;

namespace Parley.Tests.Cluster;

/// <summary>Two real Parley nodes sharing a real redis-server act as one chat service.</summary>
public sealed class MultiNodeTests : IAsyncLifetime
{
    private RedisNodes _nodes = null!;
    private TestServer _a = null!;
    private TestServer _b = null!;

    public async Task InitializeAsync()
    {
        _nodes = await RedisNodes.StartAsync();
        _a = await StartNodeAsync("a");
        _b = await StartNodeAsync("b");
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _nodes.DisposeAsync();
    }

    private Task<TestServer> StartNodeAsync(string node, Dictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["PresenceTtl"] = "00:00:02",
            ["IrcOperators:admin"] = "s3cret-oper",
        };
        foreach (var (key, value) in overrides ?? [])
            settings[key] = value;
        return _nodes.StartNodeAsync(node, settings);
    }

    private static bool Is(JsonElement e, string user, bool online) =>
        e.GetProperty("user").GetString() == user && e.GetProperty("online").GetBoolean() == online;

    private static async Task<string[]> OnlineAsync(ProtocolClient client) =>
        (await client.OkAsync("online")).GetProperty("users").EnumerateArray().Select(u => u.GetString()!).ToArray();

    [Fact]
    public async Task Native_moderation_reaches_every_node_and_a_deleted_room_is_gone_from_both()
    {
        await using var alice = await _a.RegisterAsync("alice");
        await using var bob = await _b.RegisterAsync("bob");
        await using var carol = await _b.RegisterAsync("carol");
        await alice.OkAsync("create", new { room = "Ops" });
        await Until.TrueAsync(async () => (await bob.RequestAsync("join", new { room = "Ops" })).GetProperty("type").GetString() == "ok", "node b knows the room");

        // An addition on node a is a join, with who added, on node b.
        await alice.OkAsync("invite", new { room = "Ops", user = "carol" });
        var added = await carol.NextAsync("join", e => e.GetProperty("user").GetString() == "carol");
        Assert.Equal("alice", added.GetProperty("by").GetString());

        // A mute with an end, set on node a, holds on node b, and its end travels with it.
        await alice.OkAsync("mute", new { room = "Ops", user = "bob", until = "2030-01-01T00:00:00Z" });
        var muted = (await bob.NextAsync("room_changed")).GetProperty("changes")[0];
        Assert.Equal("2030-01-01T00:00:00.000Z", muted.GetProperty("until").GetString());
        await Until.TrueAsync(async () => await bob.ErrorAsync("send", new { room = "Ops", text = "?" }) == "muted", "node b refuses bob");

        // A ban on node a removes the member on node b, who cannot come back there.
        await alice.OkAsync("ban", new { room = "Ops", user = "carol", reason = "spam" });
        var removed = await carol.NextAsync("leave", e => e.GetProperty("user").GetString() == "carol");
        Assert.True(removed.GetProperty("ban").GetBoolean());
        Assert.Equal("banned", await carol.ErrorAsync("join", new { room = "Ops" }));

        // Deleted on node a: node b's members hear it, and node b forgets the room.
        await alice.OkAsync("send", new { room = "Ops", text = "last words" });
        await alice.OkAsync("delete", new { room = "Ops" });
        Assert.Equal("alice", (await bob.NextAsync("room_deleted")).GetProperty("by").GetString());
        Assert.Equal("no_such_room", await bob.ErrorAsync("history", new { room = "Ops" }));
        await bob.OkAsync("create", new { room = "ops" });
        Assert.Equal(1, (await bob.OkAsync("send", new { room = "ops", text = "new" })).GetProperty("message").GetProperty("seq").GetInt64());
        var history = await alice.RequestAsync("history", new { room = "ops" });
        Assert.Equal("not_member", history.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Moderation_kicks_and_invitations_hold_on_every_node()
    {
        await using var aliceNative = await _a.RegisterAsync("alice");
        await using var bobNative = await _b.RegisterAsync("bob");
        await aliceNative.OkAsync("create", new { room = "team" });
        await bobNative.OkAsync("join", new { room = "team" });
        await using var alice = await IrcClient.SignInAsync(_a.IrcPort, "alice");
        await using var bob = await IrcClient.SignInAsync(_b.IrcPort, "bob");

        // A moderated room on node a is moderated on node b: bob may not speak until voiced.
        await alice.SendAsync("MODE #team +m");
        await bob.NextAsync(l => l == ":alice!alice@parley MODE #team +m");
        await bob.SendAsync("PRIVMSG #team :can I talk?");
        await bob.NumericAsync("404");
        await alice.SendAsync("MODE #team +v bob");
        await bob.NextAsync(l => l == ":alice!alice@parley MODE #team +v bob");
        await bob.SendAsync("PRIVMSG #team :now I can");
        await alice.NextAsync(l => l.EndsWith(":bob!bob@parley PRIVMSG #team :now I can"));

        // A kick on node a is a KICK on node b, and bob is out of the room there; invite-only
        // keeps him out on node b until an invitation from node a.
        await alice.SendAsync("MODE #team +i");
        await bob.NextAsync(l => l == ":alice!alice@parley MODE #team +i");
        await alice.SendAsync("KICK #team bob :enough");
        await bob.NextAsync(l => l == ":alice!alice@parley KICK #team bob :enough");
        var removed = await bobNative.NextAsync("leave", e => e.TryGetProperty("by", out _));
        Assert.Equal(("alice", "enough"), (removed.GetProperty("by").GetString(), removed.GetProperty("reason").GetString()));
        Assert.Contains("invite_only", (await bobNative.RequestAsync("join", new { room = "team" })).ToString());
        await alice.SendAsync("INVITE bob #team");
        await bob.NextAsync(l => l == ":alice!alice@parley INVITE bob #team");
        await bob.SendAsync("JOIN #team");
        await alice.NextAsync(l => l == ":bob!bob@parley JOIN #team");

        // The join on node b used the invitation up on node a too: kicked again, bob cannot get back in there.
        await alice.SendAsync("KICK #team bob :again");
        await bob.NextAsync(l => l == ":alice!alice@parley KICK #team bob :again");
        await using var bobOnA = await IrcClient.SignInAsync(_a.IrcPort, "bob");
        await bobOnA.SendAsync("JOIN #team");
        await bobOnA.NumericAsync("473");
    }

    [Fact]
    public async Task A_moderation_change_the_store_refuses_is_not_made()
    {
        await using var aliceNative = await _a.RegisterAsync("alice");
        await aliceNative.OkAsync("create", new { room = "solid" });
        await using var alice = await IrcClient.SignInAsync(_a.IrcPort, "alice");
        await alice.SendAsync("MODE #solid +o alice");

        await _nodes.Redis.StopAsync();
        await alice.SendAsync("MODE #solid +m");
        Assert.Contains("cannot reach its storage", await alice.NumericAsync("400"));
        await _nodes.Redis.StartAgainAsync();
        await alice.SendAsync("MODE #solid");
        Assert.EndsWith(" #solid :+n", await alice.NumericAsync("324"));
    }

    [Fact]
    public async Task Away_reaches_every_node()
    {
        await using var aliceNative = await _a.RegisterAsync("alice");
        await using var bobNative = await _b.RegisterAsync("bob");
        await using var alice = await IrcClient.SignInAsync(_a.IrcPort, "alice");
        await using var bob = await IrcClient.SignInAsync(_b.IrcPort, "bob", caps: "away-notify");

        await alice.SendAsync("AWAY :out to lunch");
        await alice.NumericAsync("306");
        await bob.NextAsync(l => l == ":alice!alice@parley AWAY :out to lunch");
        await bob.SendAsync("PRIVMSG alice :there?");
        Assert.EndsWith(" 301 bob alice :out to lunch", await bob.NumericAsync("301"));
        await alice.SendAsync("AWAY");
        await bob.NextAsync(l => l == ":alice!alice@parley AWAY");
    }

    [Fact]
    public async Task Client_only_tags_and_tagmsg_cross_nodes()
    {
        await using var aliceNative = await _a.RegisterAsync("alice");
        await using var bobNative = await _b.RegisterAsync("bob");
        await using var alice = await IrcClient.SignInAsync(_a.IrcPort, "alice", caps: "message-tags");
        await using var bob = await IrcClient.SignInAsync(_b.IrcPort, "bob", caps: "message-tags");

        await alice.SendAsync("@+draft/reply=x1 PRIVMSG #lobby :tagged");
        Assert.Contains(";+draft/reply=x1 :alice!alice@parley PRIVMSG #lobby :tagged", await bob.NextAsync(l => l.EndsWith("PRIVMSG #lobby :tagged")));
        await alice.SendAsync("@+typing=active TAGMSG #lobby");
        Assert.EndsWith(";+typing=active :alice!alice@parley TAGMSG #lobby", await bob.NextAsync(l => l.Contains(" TAGMSG #lobby")));
        await alice.SendAsync("@+typing=paused TAGMSG bob");
        Assert.EndsWith(";+typing=paused :alice!alice@parley TAGMSG bob", await bob.NextAsync(l => l.Contains(" TAGMSG bob")));
        // History keeps the message, not its client tags.
        var history = await bobNative.OkAsync("history", new { room = "lobby" });
        Assert.Contains("tagged", history.ToString());
        Assert.DoesNotContain("draft/reply", history.ToString());
    }

    [Fact]
    public async Task Room_and_direct_messages_cross_nodes_once_in_sequence_order()
    {
        await using var alice = await _a.RegisterAsync("alice");
        await using var bob = await _b.RegisterAsync("bob");
        await using var carol = await _b.RegisterAsync("carol");
        await using var dave = await _a.RegisterAsync("dave");

        // Senders on both nodes at once; every receiver on either node sees one strictly rising sequence.
        await Task.WhenAll(
            Task.Run(async () => { for (var i = 0; i < 40; i++) await alice.OkAsync("send", new { room = "lobby", text = $"a{i}" }); }),
            Task.Run(async () => { for (var i = 0; i < 40; i++) await bob.OkAsync("send", new { room = "lobby", text = $"b{i}" }); }));
        foreach (var (receiver, expected) in new[] { (carol, 80), (dave, 80), (alice, 40), (bob, 40) })
        {
            await Until.TrueAsync(() => receiver.Received.Count(e => e.GetProperty("type").GetString() == "message") >= expected, "all messages arrive");
            var seqs = receiver.Received.Where(e => e.GetProperty("type").GetString() == "message").Select(e => e.GetProperty("seq").GetInt64()).ToList();
            Assert.Equal(expected, seqs.Count);
            Assert.Equal(seqs.Order(), seqs);
            Assert.Equal(seqs.Count, seqs.Distinct().Count());
        }
        var carolsTexts = carol.Received.Where(e => e.GetProperty("type").GetString() == "message").Select(e => e.GetProperty("text").GetString()).ToList();
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"a{i}"), carolsTexts.Where(t => t!.StartsWith('a')));

        await bob.OkAsync("send", new { to = "alice", text = "across the cluster" });
        var direct = await alice.NextAsync("message", m => m.TryGetProperty("to", out _));
        Assert.Equal(("bob", "across the cluster"), (direct.GetProperty("from").GetString(), direct.GetProperty("text").GetString()));

        // Rooms, joins and topics made on one node are known on the other.
        await alice.OkAsync("create", new { room = "dev", topic = "code" });
        var joined = await bob.OkAsync("join", new { room = "dev" });
        Assert.Equal("code", joined.GetProperty("topic").GetString());
        Assert.Equal("bob", (await alice.NextAsync("join", e => e.GetProperty("room").GetString() == "dev")).GetProperty("user").GetString());
        await bob.OkAsync("topic", new { room = "dev", topic = "shipping" });
        Assert.Equal("shipping", (await alice.NextAsync("topic")).GetProperty("topic").GetString());
    }

    [Fact]
    public async Task Irc_guests_quit_reasons_kill_and_wallops_cross_nodes()
    {
        await using var opNative = await _b.RegisterAsync("op");
        await using var malloryNative = await _a.RegisterAsync("mallory");
        await using var op = await IrcClient.SignInAsync(_b.IrcPort, "op");
        await using (var guest = await IrcClient.GuestAsync(_a.IrcPort, "visitor"))
        {
            await guest.SendAsync("JOIN #lobby");
            await op.NextAsync(l => l == ":visitor!visitor@parley JOIN #lobby");
            // The nick is taken on every node while the guest is online.
            await using var twin = await IrcClient.ConnectAsync(_b.IrcPort);
            await twin.SendAsync("NICK visitor");
            await twin.SendAsync("USER v 0 * :v");
            await twin.NumericAsync("433");
            await guest.SendAsync("QUIT :off to node b");
        }
        await op.NextAsync(l => l == ":visitor!visitor@parley QUIT :Quit: off to node b");
        await Until.TrueAsync(async () => !(await opNative.OkAsync("members", new { room = "lobby" })).ToString().Contains("visitor"),
            "node b forgets the guest's membership");

        await op.SendAsync("OPER admin s3cret-oper");
        await op.NumericAsync("381");
        await op.SendAsync("KILL mallory :spam");
        Assert.Equal("killed", (await malloryNative.NextAsync("bye")).GetProperty("reason").GetString());
        await op.SendAsync("WALLOPS :hello every node");
        await using var carol = await _a.RegisterAsync("carol");
        await op.SendAsync("WALLOPS :hello again");
        // The first announcement may still be on its way to node a when carol signs in there.
        Assert.Equal("hello again", (await carol.NextAsync("announcement", e => e.GetProperty("text").GetString() != "hello every node")).GetProperty("text").GetString());
    }

    [Fact]
    public async Task An_irc_watcher_hears_users_on_another_node_come_and_go()
    {
        await using var watcher = await IrcClient.GuestAsync(_a.IrcPort, "watcher");
        await watcher.SendAsync("MONITOR + carol,gus");
        await watcher.NextAsync(l => l.EndsWith(" 731 watcher :carol,gus"));

        var carol = await _b.RegisterAsync("carol");
        Assert.EndsWith(" 730 watcher :carol!carol@parley", await watcher.NumericAsync("730"));
        await using (var gus = await IrcClient.GuestAsync(_b.IrcPort, "gus"))
        {
            Assert.EndsWith(" 730 watcher :gus!gus@parley", await watcher.NumericAsync("730"));
            await gus.SendAsync("QUIT :bye");
            Assert.EndsWith(" 731 watcher :gus", await watcher.NumericAsync("731"));
        }
        await carol.DisposeAsync();
        Assert.EndsWith(" 731 watcher :carol", await watcher.NumericAsync("731"));
    }

    [Fact]
    public async Task In_a_large_room_a_watcher_hears_a_user_of_another_node_and_no_one_else()
    {
        Dictionary<string, string?> large = new() { ["Limits:LargeRoomMembers"] = "2" };
        await using var c = await StartNodeAsync("c", large);
        await using var d = await StartNodeAsync("d", large);
        foreach (var user in new[] { "bob", "carol" })
            await (await d.RegisterAsync(user)).DisposeAsync();
        await using var alice = await c.RegisterAsync("alice");
        var watched = await alice.OkAsync("watch", new { users = new[] { "bob" } });
        Assert.True(Is(watched.GetProperty("users")[0], "bob", false));

        await using var carol = await d.ConnectAsync();
        await carol.OkAsync("login", new { user = "carol", password = "password1" });
        var bob = await d.ConnectAsync();
        await bob.OkAsync("login", new { user = "bob", password = "password1" });
        await alice.NextAsync("presence", e => Is(e, "bob", true));
        await carol.OkAsync("send", new { room = "lobby", text = "carol here" });
        await alice.NextAsync("message", e => e.GetProperty("text").GetString() == "carol here");
        Assert.True(alice.HasNo("presence", e => e.GetProperty("user").GetString() == "carol"));

        await bob.DisposeAsync();
        await alice.NextAsync("presence", e => Is(e, "bob", false));
        await alice.NextAsync("members_count", e => e.GetProperty("members").GetInt32() == 3 && e.GetProperty("online").GetInt32() == 2);
    }

    [Fact]
    public async Task Presence_agrees_on_every_node()
    {
        await using var alice = await _a.RegisterAsync("alice");
        var bob = await _b.RegisterAsync("bob");
        await alice.NextAsync("presence", e => Is(e, "bob", true));
        Assert.Equal(["alice", "bob"], await OnlineAsync(alice));
        Assert.Equal(["alice", "bob"], await OnlineAsync(bob));
        var members = await alice.OkAsync("members", new { room = "lobby" });
        Assert.Contains(members.GetProperty("members").EnumerateArray(), m => Is(m, "bob", true));

        await bob.DisposeAsync();
        await alice.NextAsync("presence", e => Is(e, "bob", false));
        Assert.Equal(["alice"], await OnlineAsync(alice));
    }

    [Fact]
    public async Task A_node_killed_without_a_clean_stop_has_its_users_shown_offline_within_the_bound()
    {
        await using var alice = await _a.RegisterAsync("alice");
        var directory = _nodes.NewDirectory();
        var environment = new Dictionary<string, string>
        {
            ["PARLEY_STORE"] = "Redis",
            ["PARLEY_REDIS"] = _nodes.Redis.Endpoint,
            ["PARLEY_REDISPREFIX"] = _nodes.Prefix,
            ["PARLEY_NODEID"] = "doomed",
            ["PARLEY_PRESENCETTL"] = "00:00:02",
        };
        await using var doomed = await ServerProcess.StartAsync(directory, environment);
        await using var erin = await doomed.ConnectAsync();
        await erin.OkAsync("register", new { user = "erin", password = "password1" });
        await alice.NextAsync("presence", e => Is(e, "erin", true));

        // The bound is a lease kept in Redis's own clock, not a time this run can measure: a node
        // renews a heartbeat key that expires PresenceTtl (2 s) after its last renewal, and the
        // others show the users of a node whose key is gone as offline at their next heartbeat
        // (every 0.5 s). So: the doomed node's lease is at most 2 s, and erin is shown offline
        // only once it has lapsed.
        var heartbeat = new RedisKeys(_nodes.Prefix).NodeHeartbeat("doomed");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_nodes.Redis.Endpoint);
        var database = redis.GetDatabase();
        await Until.TrueAsync(async () => await database.KeyTimeToLiveAsync(heartbeat) is { } lease && lease <= TimeSpan.FromSeconds(2),
            "the doomed node holds a heartbeat lease of at most 2 s");

        await doomed.KillAsync();
        // A generous wait, only so that a user never shown offline fails the test instead of hanging it.
        await alice.NextAsync("presence", e => Is(e, "erin", false), TimeSpan.FromSeconds(30));
        Assert.False(await database.KeyExistsAsync(heartbeat), "erin was shown offline while her node's lease was alive");
        Assert.Equal(["alice"], await OnlineAsync(alice));
    }

    [Fact]
    public async Task While_Redis_is_down_requests_get_unavailable_and_service_resumes_with_nothing_lost()
    {
        await using var alice = await _a.RegisterAsync("alice");
        await using var bob = await _b.RegisterAsync("bob");
        var acknowledged = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            await alice.OkAsync("send", new { room = "lobby", text = $"before {i}" });
            acknowledged.Add($"before {i}");
        }

        await _nodes.Redis.StopAsync();
        // Redis stays away until these requests are answered: a node that held a request until
        // Redis came back, instead of answering it, would run into the reply wait's limit here.
        Assert.Equal("unavailable", await alice.ErrorAsync("send", new { room = "lobby", text = "into the void" }));
        Assert.Equal("unavailable", await bob.ErrorAsync("history", new { room = "lobby" }));
        await alice.OkAsync("ping");
        Assert.False(alice.Closed.IsCompleted);

        await _nodes.Redis.StartAgainAsync();
        await Until.TrueAsync(async () => (await alice.RequestAsync("send", new { room = "lobby", text = "after" })).GetProperty("type").GetString() == "ok",
            "sends work again", TimeSpan.FromSeconds(20));
        acknowledged.Add("after");
        // Pub/sub drops what is published while a subscriber reconnects; the node catches up from the store.
        await bob.NextAsync("message", m => m.GetProperty("text").GetString() == "after", TimeSpan.FromSeconds(20));

        var history = await bob.OkAsync("history", new { room = "lobby", limit = 200 });
        var stored = history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()!).ToList();
        foreach (var text in acknowledged)
            Assert.Contains(text, stored);
    }

    [Fact]
    public async Task A_user_who_leaves_while_Redis_is_down_is_shown_offline_once_it_has_loaded_its_data_again()
    {
        await using var alice = await _a.RegisterAsync("alice");
        var bob = await _b.RegisterAsync("bob");
        await alice.NextAsync("presence", e => Is(e, "bob", true));
        // Enough data that Redis answers LOADING for a while after its restart: the nodes reconnect
        // meanwhile, and their first re-sync is refused.
        await _nodes.Redis.FillAsync(3_000_000);

        await _nodes.Redis.StopAsync();
        await bob.DisposeAsync();
        await _nodes.Redis.StartAgainAsync();

        await alice.NextAsync("presence", e => Is(e, "bob", false), TimeSpan.FromSeconds(30));
        Assert.Equal(["alice"], await OnlineAsync(alice));
    }

    [Fact]
    public async Task A_user_who_leaves_while_Redis_is_down_is_shown_offline_once_it_is_back()
    {
        await using var alice = await _a.RegisterAsync("alice");
        var bob = await _b.RegisterAsync("bob");
        await alice.NextAsync("presence", e => Is(e, "bob", true));

        await _nodes.Redis.StopAsync();
        await bob.DisposeAsync();
        await _nodes.Redis.StartAgainAsync();

        await alice.NextAsync("presence", e => Is(e, "bob", false), TimeSpan.FromSeconds(20));
        Assert.Equal(["alice"], await OnlineAsync(alice));
    }

    [Fact]
    public async Task A_quick_reconnect_ends_with_the_user_online_on_every_node()
    {
        await using var alice = await _a.RegisterAsync("alice");
        await (await _b.RegisterAsync("bob")).DisposeAsync();
        LineClient? bob = null;
        for (var i = 0; i < 5; i++)
        {
            if (bob is not null)
                await bob.DisposeAsync();
            bob = await _b.ConnectAsync();
            await bob.OkAsync("login", new { user = "bob", password = "password1" });
        }
        await using (bob)
        {
            await Until.TrueAsync(async () => (await OnlineAsync(alice)).Contains("bob"), "bob is online on node a");
            // And it stays so: no late 'offline' overtakes the last 'online'.
            await bob!.OkAsync("ping");
            Assert.Contains("bob", await OnlineAsync(alice));
            Assert.Equal(["alice", "bob"], await OnlineAsync(bob));
        }
    }
}
