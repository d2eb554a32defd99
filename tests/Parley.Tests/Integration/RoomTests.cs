using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

public sealed class RoomTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string[] Names(JsonElement array, string field = "name") =>
        array.EnumerateArray().Select(e => e.GetProperty(field).GetString()!).ToArray();

    [Fact]
    public async Task Create_join_topic_leave_and_their_events()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var bob = await _server.RegisterAsync("bob");

        var created = await alice.OkAsync("create", new { room = "Dev", topic = "code" });
        Assert.Equal("Dev", created.GetProperty("room").GetString());
        Assert.Equal("room_exists", await bob.ErrorAsync("create", new { room = "dev" }));

        var rooms = await bob.OkAsync("rooms");
        var dev = rooms.GetProperty("rooms").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "Dev");
        Assert.Equal(("code", 1, false), (dev.GetProperty("topic").GetString(), dev.GetProperty("members").GetInt32(), dev.GetProperty("joined").GetBoolean()));

        var joined = await bob.OkAsync("join", new { room = "dev" });
        Assert.Equal(("Dev", "code"), (joined.GetProperty("room").GetString(), joined.GetProperty("topic").GetString()));
        Assert.Equal(["alice", "bob"], Names(joined.GetProperty("members"), "user"));
        var join = await alice.NextAsync("join", e => e.GetProperty("room").GetString() == "Dev");
        Assert.Equal("bob", join.GetProperty("user").GetString());

        await bob.OkAsync("topic", new { room = "Dev", topic = "new topic" });
        var topic = await alice.NextAsync("topic");
        Assert.Equal(("Dev", "new topic", "bob"), (topic.GetProperty("room").GetString(), topic.GetProperty("topic").GetString(), topic.GetProperty("by").GetString()));

        await bob.OkAsync("leave", new { room = "Dev" });
        Assert.Equal("bob", (await alice.NextAsync("leave")).GetProperty("user").GetString());
        Assert.Equal("not_member", await bob.ErrorAsync("send", new { room = "Dev", text = "hi" }));
        Assert.Equal("not_member", await bob.ErrorAsync("history", new { room = "Dev" }));
        Assert.Equal("not_member", await bob.ErrorAsync("leave", new { room = "Dev" }));
    }

    [Fact]
    public async Task Many_clients_in_a_room_each_get_every_message_once_in_order()
    {
        const int clients = 30, perClient = 20;
        var all = new List<LineClient>();
        for (var i = 0; i < clients; i++)
            all.Add(await _server.RegisterAsync($"user{i}"));
        try
        {
            await Task.WhenAll(all.Select((c, i) => Task.Run(async () =>
            {
                for (var n = 0; n < perClient; n++)
                    await c.OkAsync("send", new { room = "lobby", text = $"{i}:{n}" });
            })));
            foreach (var (client, i) in all.Select((c, i) => (c, i)))
            {
                var expected = (clients - 1) * perClient;
                await Until.TrueAsync(() => client.Received.Count(e => e.GetProperty("type").GetString() == "message") >= expected, $"user{i} has all messages");
                var seqs = client.Received.Where(e => e.GetProperty("type").GetString() == "message").Select(e => e.GetProperty("seq").GetInt64()).ToList();
                Assert.Equal(expected, seqs.Count);
                Assert.Equal(seqs.Order(), seqs);
                Assert.Equal(seqs.Count, seqs.Distinct().Count());
            }
        }
        finally
        {
            foreach (var c in all)
                await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task Direct_messages_reach_the_recipient_and_the_senders_other_connections_only()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var aliceToo = await _server.ConnectAsync();
        await aliceToo.OkAsync("login", new { user = "alice", password = "password1" });
        await using var bob = await _server.RegisterAsync("bob");
        await using var carol = await _server.RegisterAsync("carol");

        var sent = await alice.OkAsync("send", new { to = "BOB", text = "psst" });
        var got = await bob.NextAsync("message");
        Assert.Equal(("alice", "bob", "psst"), (got.GetProperty("from").GetString(), got.GetProperty("to").GetString(), got.GetProperty("text").GetString()));
        Assert.False(got.TryGetProperty("room", out _));
        Assert.Equal(1, sent.GetProperty("message").GetProperty("seq").GetInt64());
        Assert.Equal("psst", (await aliceToo.NextAsync("message")).GetProperty("text").GetString());

        await bob.OkAsync("send", new { to = "alice", text = "yes?" });
        Assert.Equal(2, (await alice.NextAsync("message")).GetProperty("seq").GetInt64());

        var history = await bob.OkAsync("history", new { with = "alice" });
        Assert.Equal(["yes?", "psst"], history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()));
        await carol.OkAsync("ping");
        Assert.True(carol.HasNo("message"));
    }

    [Fact]
    public async Task History_pages_back_by_sequence()
    {
        await using var alice = await _server.RegisterAsync("alice");
        for (var i = 1; i <= 120; i++)
            await alice.OkAsync("send", new { room = "lobby", text = $"m{i}" });

        var first = await alice.OkAsync("history", new { room = "lobby" });
        var firstSeqs = first.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(71, 50).Reverse().Select(i => (long)i), firstSeqs);
        Assert.True(first.GetProperty("more").GetBoolean());

        var seen = new List<long>(firstSeqs);
        var before = firstSeqs[^1];
        while (true)
        {
            var page = await alice.OkAsync("history", new { room = "lobby", before, limit = 30 });
            var seqs = page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()).ToList();
            seen.AddRange(seqs);
            if (!page.GetProperty("more").GetBoolean())
                break;
            before = seqs[^1];
        }
        Assert.Equal(Enumerable.Range(1, 120).Reverse().Select(i => (long)i), seen);

        var capped = await alice.OkAsync("history", new { room = "lobby", limit = 1000 });
        Assert.Equal(120, capped.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task Read_positions_drive_unread_counts_and_reach_other_devices()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var bob = await _server.RegisterAsync("bob");
        for (var i = 0; i < 4; i++)
            await alice.OkAsync("send", new { room = "lobby", text = $"m{i}" });
        await alice.OkAsync("send", new { to = "bob", text = "dm" });

        await using var bobLater = await _server.ConnectAsync();
        var login = await bobLater.OkAsync("login", new { user = "bob", password = "password1" });
        var lobby = login.GetProperty("rooms").EnumerateArray().Single();
        Assert.Equal(("lobby", 4L, 4L), (lobby.GetProperty("name").GetString(), lobby.GetProperty("lastSeq").GetInt64(), lobby.GetProperty("unread").GetInt64()));
        var dm = login.GetProperty("dms").EnumerateArray().Single();
        Assert.Equal(("alice", 1L), (dm.GetProperty("with").GetString(), dm.GetProperty("unread").GetInt64()));

        await bobLater.OkAsync("read", new { room = "lobby", seq = 3 });
        var read = await bob.NextAsync("read");
        Assert.Equal(("lobby", 3L), (read.GetProperty("room").GetString(), read.GetProperty("seq").GetInt64()));

        await using var bobThird = await _server.ConnectAsync();
        login = await bobThird.OkAsync("login", new { user = "bob", password = "password1" });
        Assert.Equal(1L, login.GetProperty("rooms")[0].GetProperty("unread").GetInt64());
        Assert.Equal(3L, login.GetProperty("rooms")[0].GetProperty("readSeq").GetInt64());
    }

    [Fact]
    public async Task The_sign_in_reply_gives_each_conversations_latest_message_time_as_lastTs()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var bob = await _server.RegisterAsync("bob");
        await alice.OkAsync("create", new { room = "quiet" });
        await alice.OkAsync("send", new { room = "lobby", text = "first" });
        var sent = await alice.OkAsync("send", new { room = "lobby", text = "second" });
        var dm = await alice.OkAsync("send", new { to = "bob", text = "psst" });

        await using var aliceLater = await _server.ConnectAsync();
        var login = await aliceLater.OkAsync("login", new { user = "alice", password = "password1" });
        var rooms = login.GetProperty("rooms").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal(sent.GetProperty("message").GetProperty("ts").GetString(), rooms["lobby"].GetProperty("lastTs").GetString());
        Assert.False(rooms["quiet"].TryGetProperty("lastTs", out _), "a room with no message has no lastTs");
        var direct = login.GetProperty("dms").EnumerateArray().Single();
        Assert.Equal(dm.GetProperty("message").GetProperty("ts").GetString(), direct.GetProperty("lastTs").GetString());
    }

    [Fact]
    public async Task Resume_signs_in_with_a_token_until_logout_revokes_it()
    {
        await using var first = await _server.ConnectAsync();
        var registered = await first.OkAsync("register", new { user = "alice", password = "password1" });
        var token = registered.GetProperty("token").GetString()!;
        Assert.True(token.Length >= 22);

        await using var second = await _server.ConnectAsync();
        var resumed = await second.OkAsync("resume", new { token });
        Assert.Equal("alice", resumed.GetProperty("user").GetString());
        Assert.Equal("lobby", resumed.GetProperty("rooms")[0].GetProperty("name").GetString());
        Assert.Equal("already_authenticated", await second.ErrorAsync("login", new { user = "alice", password = "password1" }));

        await second.OkAsync("logout");
        Assert.Equal("unauthenticated", await second.ErrorAsync("rooms"));
        await using var third = await _server.ConnectAsync();
        Assert.Equal("bad_token", await third.ErrorAsync("resume", new { token }));
        Assert.Equal("bad_token", await third.ErrorAsync("resume", new { token = "not-a-token" }));
    }
}
