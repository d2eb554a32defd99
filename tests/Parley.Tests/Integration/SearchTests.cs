using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary><c>search</c> over real TCP and WebSocket connections (docs/protocol.md, "Search").</summary>
public sealed class SearchTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static List<JsonElement> Hits(JsonElement reply) => [.. reply.GetProperty("messages").EnumerateArray()];

    private static string[] Texts(JsonElement reply) => [.. Hits(reply).Select(m => m.GetProperty("text").GetString()!)];

    [Fact]
    public async Task Chinese_and_Japanese_substrings_are_found_in_rooms_and_direct_messages_with_where_they_were_said()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var bob = await _server.RegisterAsync("bob");
        await alice.OkAsync("send", new { room = "lobby", text = "你好世界" });
        await bob.OkAsync("send", new { room = "lobby", text = "今日は東京で会議です" });
        // Hits of one millisecond are ordered by conversation: the direct messages come a millisecond later.
        await Until.NextMillisecondAsync();
        await bob.OkAsync("send", new { to = "alice", text = "明天见，你好！" });
        await bob.OkAsync("send", new { to = "alice", text = "Hello Alice" });

        // 你好 is two characters: found by the scan; 東京で会 (four) through the index.
        var hello = await alice.OkAsync("search", new { text = "你好" });
        Assert.Equal(["明天见，你好！", "你好世界"], Texts(hello));
        Assert.False(hello.GetProperty("more").GetBoolean());
        Assert.False(hello.TryGetProperty("next", out _));
        var direct = Hits(hello)[0];
        Assert.Equal(("bob", "alice"), (direct.GetProperty("from").GetString(), direct.GetProperty("to").GetString()));
        Assert.False(direct.TryGetProperty("room", out _));
        Assert.Equal("lobby", Hits(hello)[1].GetProperty("room").GetString());
        Assert.Equal(1, Hits(hello)[1].GetProperty("seq").GetInt64());

        Assert.Equal(["今日は東京で会議です"], Texts(await alice.OkAsync("search", new { text = "東京で会" })));
        Assert.Equal(["Hello Alice"], Texts(await bob.OkAsync("search", new { text = "HELLO", with = "Alice" })));
        Assert.Equal(["明天见，你好！"], Texts(await bob.OkAsync("search", new { text = "你好", to = "alice" })));
        Assert.Equal(["你好世界"], Texts(await bob.OkAsync("search", new { text = "你好", room = "Lobby" })));

        // Over WebSocket, the same op.
        await using var web = await _server.ConnectWebSocketAsync();
        await web.OkAsync("login", new { user = "alice", password = "password1" });
        Assert.Equal(["明天见，你好！", "你好世界"], Texts(await web.OkAsync("search", new { text = "你好", limit = 5 })));
    }

    [Fact]
    public async Task Pages_go_back_with_the_next_cursor_until_more_is_false()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await alice.OkAsync("create", new { room = "dev" });
        for (var i = 1; i <= 7; i++)
        {
            await alice.OkAsync("send", new { room = i % 2 == 0 ? "dev" : "lobby", text = $"release {i}" });
            await alice.OkAsync("send", new { room = "lobby", text = $"noise {i}" });
            // The releases alternate rooms, and hits of one millisecond are ordered by conversation.
            await Until.NextMillisecondAsync();
        }
        var seen = new List<string>();
        object request = new { text = "release", limit = 3 };
        while (true)
        {
            var page = await alice.OkAsync("search", request);
            seen.AddRange(Texts(page));
            if (!page.GetProperty("more").GetBoolean())
                break;
            request = new { text = "release", limit = 3, before = page.GetProperty("next").GetString() };
        }
        Assert.Equal(Enumerable.Range(1, 7).Reverse().Select(i => $"release {i}"), seen);
    }

    [Fact]
    public async Task A_room_left_and_a_removed_message_are_never_found_nor_system_lines_nor_others_rooms()
    {
        await using var admin = await AdminSocketLineClient.ConnectAsync(_server.DataDirectory);
        await using var alice = await _server.RegisterAsync("alice");
        await using var bob = await _server.RegisterAsync("bob");
        await bob.OkAsync("create", new { room = "secret" });
        await bob.OkAsync("send", new { room = "secret", text = "the plan is ready" });
        await alice.OkAsync("create", new { room = "dev" });
        await alice.OkAsync("send", new { room = "dev", text = "plan for the dev room" });
        await Until.NextMillisecondAsync();
        var removed = (await alice.OkAsync("send", new { room = "lobby", text = "a plan to remove" })).GetProperty("message");
        await alice.OkAsync("send", new { room = "lobby", text = "the plan stays" });
        await alice.OkAsync("topic", new { room = "dev", topic = "plan topics" });
        await alice.NextAsync("message", m => m.TryGetProperty("system", out _));

        Assert.Equal(["the plan stays", "a plan to remove", "plan for the dev room"], Texts(await alice.OkAsync("search", new { text = "plan" })));
        await admin.OkAsync("admin.remove", new { room = "lobby", seq = removed.GetProperty("seq").GetInt64() });
        await alice.OkAsync("leave", new { room = "dev" });

        foreach (var text in new[] { "plan", "pl", "remove" })
            Assert.DoesNotContain(Texts(await alice.OkAsync("search", new { text })), t => t != "the plan stays");
        Assert.Equal(["the plan stays"], Texts(await alice.OkAsync("search", new { text = "plan" })));
        Assert.Equal("not_member", await alice.ErrorAsync("search", new { text = "plan", room = "dev" }));
        Assert.Equal("not_member", await alice.ErrorAsync("search", new { text = "plan", room = "secret" }));
        // Joined again, the room is searched again, its past included.
        await alice.OkAsync("join", new { room = "dev" });
        Assert.Contains("plan for the dev room", Texts(await alice.OkAsync("search", new { text = "plan" })));
    }

    [Fact]
    public async Task Refusals_have_stable_codes()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var anonymous = await _server.ConnectAsync();
        Assert.Equal("unauthenticated", await anonymous.ErrorAsync("search", new { text = "x" }));
        Assert.Equal("missing_field", await alice.ErrorAsync("search"));
        Assert.Equal("bad_field", await alice.ErrorAsync("search", new { text = 5 }));
        Assert.Equal("empty_text", await alice.ErrorAsync("search", new { text = "" }));
        Assert.Equal("empty_text", await alice.ErrorAsync("search", new { text = "  \t " }));
        Assert.Equal("text_too_long", await alice.ErrorAsync("search", new { text = new string('x', 101) }));
        Assert.Empty(Texts(await alice.OkAsync("search", new { text = new string('字', 100) })));
        Assert.Equal("bad_field", await alice.ErrorAsync("search", new { text = "x", limit = 0 }));
        Assert.Equal("bad_field", await alice.ErrorAsync("search", new { text = "x", limit = 101 }));
        Assert.Equal("bad_field", await alice.ErrorAsync("search", new { text = "x", room = "lobby", with = "bob" }));
        Assert.Equal("bad_field", await alice.ErrorAsync("search", new { text = "x", with = "bob", to = "bob" }));
        Assert.Equal("bad_field", await alice.ErrorAsync("search", new { text = "x", before = 12 }));
        Assert.Equal("bad_cursor", await alice.ErrorAsync("search", new { text = "x", before = "yesterday" }));
        Assert.Equal("no_such_room", await alice.ErrorAsync("search", new { text = "x", room = "nowhere" }));
        Assert.Equal("no_such_user", await alice.ErrorAsync("search", new { text = "x", with = "nobody" }));
        Assert.Equal("bad_name", await alice.ErrorAsync("search", new { text = "x", with = "no body" }));
    }
}
