using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>The people ops over real TCP and WebSocket connections: <c>users</c>, <c>open</c>, <c>block</c>, <c>profile</c>.</summary>
public sealed class PeopleTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string[] Names(JsonElement reply, string property = "users") =>
        [.. reply.GetProperty(property).EnumerateArray().Select(u => u.ValueKind == JsonValueKind.String ? u.GetString()! : u.GetProperty("user").GetString()!)];

    private static string? Text(JsonElement e, string property) =>
        e.TryGetProperty(property, out var value) ? value.GetString() : null;

    private async Task<LineClient> LoginAsync(string user)
    {
        var client = await _server.ConnectAsync();
        await client.OkAsync("login", new { user, password = "password1" });
        return client;
    }

    [Fact]
    public async Task The_directory_finds_people_by_prefix_ignoring_case_with_presence_and_profile_and_pages_on()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var albert = await _server.RegisterAsync("Albert");
        await using var bob = await _server.RegisterAsync("bob");
        var alma = await _server.RegisterAsync("alma");
        await alma.DisposeAsync();
        await alice.NextAsync("presence", e => Text(e, "user") == "alma" && !e.GetProperty("online").GetBoolean());
        await alice.OkAsync("profile", new { display = "Alice Liddell", status = "down the hole" });

        await using var carol = await _server.ConnectWebSocketAsync();
        await carol.OkAsync("register", new { user = "carol", password = "password1" });
        var first = await carol.OkAsync("users", new { prefix = "AL", limit = 2 });
        Assert.Equal(["Albert", "alice"], Names(first));
        var entries = first.GetProperty("users").EnumerateArray().ToList();
        Assert.True(entries[0].GetProperty("online").GetBoolean());
        Assert.Null(Text(entries[0], "display"));
        Assert.Equal(("Alice Liddell", "down the hole"), (Text(entries[1], "display"), Text(entries[1], "status")));
        var next = first.GetProperty("next").GetString();

        var second = await carol.OkAsync("users", new { prefix = "al", limit = 2, after = next });
        Assert.Equal(["alma"], Names(second));
        Assert.False(second.GetProperty("users")[0].GetProperty("online").GetBoolean());
        Assert.False(second.TryGetProperty("next", out _));

        Assert.Equal(["Albert", "alice", "alma", "bob", "carol"], Names(await carol.OkAsync("users")));
        Assert.Empty(Names(await carol.OkAsync("users", new { prefix = "李" })));
        Assert.Equal("bad_field", await carol.ErrorAsync("users", new { limit = 0 }));
        Assert.Equal("bad_field", await carol.ErrorAsync("users", new { limit = 101 }));
        Assert.Equal("bad_cursor", await carol.ErrorAsync("users", new { after = "!!" }));
        Assert.Equal("unauthenticated", await (await _server.ConnectAsync()).ErrorAsync("users"));
    }

    [Fact]
    public async Task A_dm_opened_before_any_message_stays_in_the_list_on_every_sign_in_and_device()
    {
        await using var bob = await _server.RegisterAsync("Bob");
        await using var phone = await _server.RegisterAsync("alice");
        await using var laptop = await LoginAsync("alice");

        var opened = await phone.OkAsync("open", new { with = "BOB" });
        Assert.Equal("Bob", Text(opened, "with"));
        Assert.Equal("Bob", Text(await laptop.NextAsync("open"), "with"));
        Assert.True(phone.HasNo("open"));

        await using var later = await _server.ConnectWebSocketAsync();
        var signedIn = await later.OkAsync("login", new { user = "alice", password = "password1" });
        var dm = Assert.Single(signedIn.GetProperty("dms").EnumerateArray());
        Assert.Equal(("Bob", 0L, 0L, 0L), (Text(dm, "with"), dm.GetProperty("lastSeq").GetInt64(), dm.GetProperty("readSeq").GetInt64(), dm.GetProperty("unread").GetInt64()));
        Assert.False(dm.TryGetProperty("lastTs", out _));
        // Only the opener lists it until a message is sent.
        Assert.Empty((await (await _server.ConnectAsync()).OkAsync("login", new { user = "Bob", password = "password1" })).GetProperty("dms").EnumerateArray());

        Assert.Equal("no_such_user", await phone.ErrorAsync("open", new { with = "nobody" }));
        Assert.Equal("bad_name", await phone.ErrorAsync("open", new { with = "no body" }));
        Assert.Equal("missing_field", await phone.ErrorAsync("open"));
    }

    [Fact]
    public async Task A_blocked_user_cannot_dm_the_blocker_who_is_told_on_every_session_until_unblocked()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var bob = await _server.RegisterAsync("bob");
        await using var bobPhone = await LoginAsync("bob");

        var blocked = await bob.OkAsync("block", new { user = "ALICE", on = true });
        Assert.Equal(("alice", true), (Text(blocked, "user"), blocked.GetProperty("on").GetBoolean()));
        var told = await bobPhone.NextAsync("block");
        Assert.Equal(("alice", true), (Text(told, "user"), told.GetProperty("on").GetBoolean()));

        Assert.Equal("blocked", await alice.ErrorAsync("send", new { to = "bob", text = "hello?" }));
        Assert.Equal("blocked", await alice.ErrorAsync("open", new { with = "bob" }));
        Assert.Empty((await bob.OkAsync("history", new { with = "alice" })).GetProperty("messages").EnumerateArray());
        // One way: the blocker may still write, and the blocked user's room messages still arrive (clients collapse them).
        await bob.OkAsync("send", new { to = "alice", text = "go away" });
        await alice.NextAsync("message", e => Text(e, "text") == "go away");
        await alice.OkAsync("send", new { room = "lobby", text = "hi all" });
        await bob.NextAsync("message", e => Text(e, "text") == "hi all");
        Assert.True((await bob.OkAsync("profile", new { user = "alice" })).GetProperty("blocked").GetBoolean());

        Assert.Equal(["alice"], Names(await SignInReplyAsync("bob"), "blocked"));

        await bob.OkAsync("block", new { user = "alice", on = false });
        Assert.False((await bobPhone.NextAsync("block")).GetProperty("on").GetBoolean());
        await alice.OkAsync("send", new { to = "bob", text = "friends again?" });
        Assert.Empty((await SignInReplyAsync("bob")).GetProperty("blocked").EnumerateArray());
        Assert.False((await bob.OkAsync("profile", new { user = "alice" })).TryGetProperty("blocked", out _));

        Assert.Equal("bad_field", await bob.ErrorAsync("block", new { user = "bob" }));
        Assert.Equal("no_such_user", await bob.ErrorAsync("block", new { user = "nobody" }));
        Assert.Equal("bad_field", await bob.ErrorAsync("block", new { user = "alice", on = "yes" }));
    }

    private async Task<JsonElement> SignInReplyAsync(string user)
    {
        await using var client = await _server.ConnectAsync();
        return await client.OkAsync("login", new { user, password = "password1" });
    }

    [Fact]
    public async Task A_profile_change_reaches_room_mates_and_my_other_sessions_and_reads_back_anywhere()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var aliceWeb = await _server.ConnectWebSocketAsync();
        await aliceWeb.OkAsync("login", new { user = "alice", password = "password1" });
        await using var bob = await _server.RegisterAsync("bob");

        var set = await alice.OkAsync("profile", new { display = "Ålice 😀 李", status = "tea time" });
        Assert.Equal(("alice", "Ålice 😀 李", "tea time"), (Text(set, "user"), Text(set, "display"), Text(set, "status")));
        foreach (var heard in new ProtocolClient[] { bob, aliceWeb })
        {
            var changed = await heard.NextAsync("profile");
            Assert.Equal(("alice", "Ålice 😀 李", "tea time"), (Text(changed, "user"), Text(changed, "display"), Text(changed, "status")));
        }
        Assert.True(alice.HasNo("profile"));

        var read = await bob.OkAsync("profile", new { user = "ALICE" });
        Assert.Equal(("alice", "Ålice 😀 李", "tea time", true), (Text(read, "user"), Text(read, "display"), Text(read, "status"), read.GetProperty("online").GetBoolean()));
        // Several at once, in the order asked, each once; no account, no entry.
        var several = await bob.OkAsync("profile", new { users = new[] { "bob", "ALICE", "nobody", "alice" } });
        Assert.Equal(["bob", "alice"], Names(several, "profiles"));
        Assert.Equal("Ålice 😀 李", Text(several.GetProperty("profiles")[1], "display"));
        Assert.Equal("bad_field", await bob.ErrorAsync("profile", new { users = Enumerable.Range(0, 101).Select(i => $"u{i}").ToArray() }));
        Assert.Equal("bad_name", await bob.ErrorAsync("profile", new { users = new[] { "no body" } }));
        Assert.Equal("bad_field", await bob.ErrorAsync("profile", new { users = new[] { "alice" }, user = "alice" }));
        var mine = await bob.OkAsync("profile");
        Assert.Equal(("bob", (string?)null, (string?)null), (Text(mine, "user"), Text(mine, "display"), Text(mine, "status")));

        // Only the status changes; "" clears the display name, which is then absent.
        await alice.OkAsync("profile", new { status = "back" });
        var statusOnly = await bob.NextAsync("profile");
        Assert.Equal(("Ålice 😀 李", "back"), (Text(statusOnly, "display"), Text(statusOnly, "status")));
        await alice.OkAsync("profile", new { display = "" });
        var cleared = await bob.NextAsync("profile");
        Assert.Equal(((string?)null, "back"), (Text(cleared, "display"), Text(cleared, "status")));
        var stored = await bob.OkAsync("profile", new { user = "alice" });
        Assert.Equal(((string?)null, "back"), (Text(stored, "display"), Text(stored, "status")));

        Assert.Equal("bad_display_name", await alice.ErrorAsync("profile", new { display = " \u200b\u3000" }));
        Assert.Equal("bad_display_name", await alice.ErrorAsync("profile", new { display = new string('é', 65) }));
        Assert.Equal("bad_display_name", await alice.ErrorAsync("profile", new { display = "two\nlines" }));
        await alice.OkAsync("profile", new { display = string.Concat(Enumerable.Repeat("😀", 64)) });
        Assert.Equal("status_too_long", await alice.ErrorAsync("profile", new { status = new string('x', 141) }));
        Assert.Equal("bad_field", await alice.ErrorAsync("profile", new { user = "bob", display = "Bob" }));
        Assert.Equal("no_such_user", await alice.ErrorAsync("profile", new { user = "nobody" }));
        Assert.Equal("bad_name", await alice.ErrorAsync("profile", new { user = "no body" }));
    }
}
