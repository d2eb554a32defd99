using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>Running a room over the native protocol (issue 30): settings, adding people, kick, ban, mute, roles, hand-over, delete.</summary>
public sealed class ModerationTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly string _data = TempDirectory.Create();
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(dataDirectory: _data, time: _time);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        TempDirectory.Delete(_data);
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    /// <summary>alice owns Dev; bob and carol are plain members.</summary>
    private async Task<(LineClient Alice, LineClient Bob, LineClient Carol)> RoomOfThreeAsync()
    {
        var alice = await _server.RegisterAsync("alice");
        var bob = await _server.RegisterAsync("bob");
        var carol = await _server.RegisterAsync("carol");
        await alice.OkAsync("create", new { room = "Dev" });
        await bob.OkAsync("join", new { room = "dev" });
        await carol.OkAsync("join", new { room = "dev" });
        return (alice, bob, carol);
    }

    private static string[] RoomNames(JsonElement reply) =>
        reply.GetProperty("rooms").EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToArray();

    [Fact]
    public async Task The_room_op_shows_roles_and_settings_and_only_admins_change_them()
    {
        var (alice, bob, carol) = await RoomOfThreeAsync();
        await using var _ = alice; await using var __ = bob; await using var ___ = carol;

        var seen = await bob.OkAsync("room", new { room = "dev" });
        Assert.Equal(("Dev", 3, true, "member", false), (seen.GetProperty("room").GetString(), seen.GetProperty("members").GetInt32(),
            seen.GetProperty("joined").GetBoolean(), seen.GetProperty("role").GetString(), seen.GetProperty("private").GetBoolean()));
        var owner = Assert.Single(seen.GetProperty("roles").EnumerateArray());
        Assert.Equal(("alice", "owner"), (owner.GetProperty("user").GetString(), owner.GetProperty("role").GetString()));

        // What a member may not do, each refused with the same code.
        Assert.Equal("not_permitted", await bob.ErrorAsync("room", new { room = "Dev", @private = true }));
        Assert.Equal("not_permitted", await bob.ErrorAsync("kick", new { room = "Dev", user = "carol" }));
        Assert.Equal("not_permitted", await bob.ErrorAsync("ban", new { room = "Dev", user = "carol" }));
        Assert.Equal("not_permitted", await bob.ErrorAsync("mute", new { room = "Dev", user = "carol" }));
        Assert.Equal("not_permitted", await bob.ErrorAsync("role", new { room = "Dev", user = "carol", role = "admin" }));
        Assert.Equal("not_permitted", await bob.ErrorAsync("delete", new { room = "Dev" }));
        Assert.Equal("bad_field", await alice.ErrorAsync("role", new { room = "Dev", user = "carol", role = "king" }));
        Assert.Equal("bad_field", await alice.ErrorAsync("room", new { room = "Dev", @private = "yes" }));

        var changed = await alice.OkAsync("room", new { room = "Dev", topic = "ship it", moderated = true, topicLocked = true });
        Assert.Equal(("ship it", true, true), (changed.GetProperty("topic").GetString(), changed.GetProperty("moderated").GetBoolean(), changed.GetProperty("topicLocked").GetBoolean()));
        var told = await bob.NextAsync("room_changed");
        Assert.Equal(["moderated", "topic_locked"], told.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("setting").GetString()!).ToArray());
        Assert.Equal("ship it", (await bob.NextAsync("topic")).GetProperty("topic").GetString());
        Assert.Equal("not_permitted", await bob.ErrorAsync("topic", new { room = "Dev", topic = "mine now" }));
        Assert.Equal("muted", await bob.ErrorAsync("send", new { room = "Dev", text = "may I?" }));
    }

    [Fact]
    public async Task Invite_adds_a_user_at_once_and_a_private_room_is_hidden_and_shut_to_others()
    {
        var (alice, bob, carol) = await RoomOfThreeAsync();
        await using var _ = alice; await using var __ = bob; await using var ___ = carol;
        await using var dave = await _server.RegisterAsync("dave");
        await using var erin = await _server.RegisterAsync("erin");

        // A member adds someone to a public room: everyone, dave included, hears whom and by whom.
        Assert.Equal("dave", (await bob.OkAsync("invite", new { room = "Dev", user = "DAVE" })).GetProperty("user").GetString());
        var added = await dave.NextAsync("join", e => e.GetProperty("room").GetString() == "Dev");
        Assert.Equal(("dave", "bob"), (added.GetProperty("user").GetString(), added.GetProperty("by").GetString()));
        await alice.NextAsync("join", e => e.GetProperty("user").GetString() == "dave" && e.TryGetProperty("by", out var by) && by.GetString() == "bob");
        Assert.Contains("Dev", RoomNames(await dave.OkAsync("rooms")));
        await dave.OkAsync("send", new { room = "Dev", text = "thanks for having me" });
        Assert.Equal("already_member", await bob.ErrorAsync("invite", new { room = "Dev", user = "dave" }));
        Assert.Equal("no_such_user", await bob.ErrorAsync("invite", new { room = "Dev", user = "nobody" }));
        Assert.Equal("bad_name", await bob.ErrorAsync("invite", new { room = "Dev", user = "no body" }));

        // Private: out of the list for those outside, joined only when an admin adds you.
        Assert.True((await alice.OkAsync("room", new { room = "Dev", @private = true })).GetProperty("private").GetBoolean());
        Assert.DoesNotContain("Dev", RoomNames(await erin.OkAsync("rooms")));
        Assert.Equal("invite_only", await erin.ErrorAsync("join", new { room = "Dev" }));
        Assert.Equal("no_such_room", await erin.ErrorAsync("room", new { room = "Dev" }));
        Assert.Equal("not_permitted", await bob.ErrorAsync("invite", new { room = "Dev", user = "erin" }));
        await alice.OkAsync("invite", new { room = "Dev", user = "erin" });
        await erin.NextAsync("join", e => e.GetProperty("user").GetString() == "erin");
        Assert.Contains("Dev", RoomNames(await erin.OkAsync("rooms")));
    }

    [Fact]
    public async Task Kick_removes_a_member_who_hears_by_whom_and_why_and_may_come_back()
    {
        var (alice, bob, carol) = await RoomOfThreeAsync();
        await using var _ = alice; await using var __ = bob; await using var ___ = carol;

        Assert.Equal("bad_field", await alice.ErrorAsync("kick", new { room = "dev", user = "bob", reason = "x\r\n:eve!eve@parley PRIVMSG #dev :forged" }));
        Assert.Equal("bad_field", await alice.ErrorAsync("ban", new { room = "dev", user = "bob", reason = new string('r', 301) }));
        // The owner cannot kick itself out of its room (it would be left without one).
        Assert.Equal("not_permitted", await alice.ErrorAsync("kick", new { room = "dev", user = "alice" }));
        Assert.Equal("bob", (await alice.OkAsync("kick", new { room = "dev", user = "BOB", reason = "calm down" })).GetProperty("user").GetString());
        foreach (var client in new[] { bob, carol })
        {
            var removed = await client.NextAsync("leave", e => e.GetProperty("user").GetString() == "bob");
            Assert.Equal(("alice", "calm down", false), (removed.GetProperty("by").GetString(), removed.GetProperty("reason").GetString(), removed.TryGetProperty("ban", out var _)));
        }
        Assert.Equal("not_member", await bob.ErrorAsync("send", new { room = "Dev", text = "hey" }));
        Assert.Equal("not_in_room", await alice.ErrorAsync("kick", new { room = "Dev", user = "bob" }));

        // The room's history says so, in its place, and those in the room see the line live.
        var line = await carol.NextAsync("message", e => e.TryGetProperty("system", out var s) && s.GetBoolean());
        Assert.Equal(("alice", "alice removed bob: calm down", true), (line.GetProperty("from").GetString(), line.GetProperty("text").GetString(), line.GetProperty("system").GetBoolean()));
        var latest = (await carol.OkAsync("history", new { room = "Dev", limit = 1 })).GetProperty("messages")[0];
        Assert.Equal((line.GetProperty("seq").GetInt64(), "alice removed bob: calm down"), (latest.GetProperty("seq").GetInt64(), latest.GetProperty("text").GetString()));
        Assert.True(latest.GetProperty("system").GetBoolean());
        await bob.OkAsync("join", new { room = "Dev" });
        await bob.OkAsync("send", new { room = "Dev", text = "sorry" });
    }

    [Fact]
    public async Task A_ban_removes_the_member_keeps_it_out_until_it_ends_and_unban_lifts_it()
    {
        var (alice, bob, carol) = await RoomOfThreeAsync();
        await using var _ = alice; await using var __ = bob; await using var ___ = carol;
        var end = Start.AddMinutes(10);

        Assert.Equal("bad_field", await alice.ErrorAsync("ban", new { room = "Dev", user = "bob", until = Time(Start.AddMinutes(-1)) }));
        Assert.Equal("bad_field", await alice.ErrorAsync("ban", new { room = "Dev", user = "bob", until = "tomorrow" }));
        Assert.Equal("not_permitted", await alice.ErrorAsync("ban", new { room = "Dev", user = "alice" }));
        await alice.OkAsync("ban", new { room = "Dev", user = "bob", until = Time(end), reason = "spam" });
        var removed = await bob.NextAsync("leave", e => e.GetProperty("user").GetString() == "bob");
        Assert.Equal(("alice", "spam", true), (removed.GetProperty("by").GetString(), removed.GetProperty("reason").GetString(), removed.GetProperty("ban").GetBoolean()));
        var change = (await carol.NextAsync("room_changed")).GetProperty("changes")[0];
        Assert.Equal(("ban", true, "bob", Time(end)), (change.GetProperty("setting").GetString(), change.GetProperty("on").GetBoolean(),
            change.GetProperty("value").GetString(), change.GetProperty("until").GetString()));
        Assert.Equal("banned", await bob.ErrorAsync("join", new { room = "Dev" }));
        Assert.Equal("banned", await carol.ErrorAsync("invite", new { room = "Dev", user = "bob" }));
        var ban = Assert.Single((await carol.OkAsync("room", new { room = "Dev" })).GetProperty("bans").EnumerateArray());
        Assert.Equal(("bob", "alice", Time(end)), (ban.GetProperty("user").GetString(), ban.GetProperty("by").GetString(), ban.GetProperty("until").GetString()));

        // The ban ends by itself at its time.
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty((await carol.OkAsync("room", new { room = "Dev" })).GetProperty("bans").EnumerateArray());
        await bob.OkAsync("join", new { room = "Dev" });

        // A ban without an end lasts until lifted.
        await alice.OkAsync("ban", new { room = "Dev", user = "bob" });
        _time.Advance(TimeSpan.FromDays(365));
        Assert.Equal("banned", await bob.ErrorAsync("join", new { room = "Dev" }));
        Assert.Equal("not_permitted", await carol.ErrorAsync("unban", new { room = "Dev", user = "bob" }));
        await alice.OkAsync("unban", new { room = "Dev", user = "bob" });
        await bob.OkAsync("join", new { room = "Dev" });
    }

    [Fact]
    public async Task A_muted_member_cannot_send_until_the_mute_ends_or_is_lifted()
    {
        var (alice, bob, carol) = await RoomOfThreeAsync();
        await using var _ = alice; await using var __ = bob; await using var ___ = carol;

        await alice.OkAsync("mute", new { room = "Dev", user = "bob", until = Time(Start.AddMinutes(5)) });
        var change = (await bob.NextAsync("room_changed")).GetProperty("changes")[0];
        Assert.Equal(("mute", true, "bob"), (change.GetProperty("setting").GetString(), change.GetProperty("on").GetBoolean(), change.GetProperty("value").GetString()));
        Assert.Equal("muted", await bob.ErrorAsync("send", new { room = "Dev", text = "hello?" }));
        await carol.OkAsync("send", new { room = "Dev", text = "carol still speaks" });
        Assert.Equal("not_in_room", await alice.ErrorAsync("mute", new { room = "Dev", user = "dave" }));

        _time.Advance(TimeSpan.FromMinutes(5));
        await bob.OkAsync("send", new { room = "Dev", text = "back" });

        // An admin is muted too, but nobody mutes the owner.
        await alice.OkAsync("role", new { room = "Dev", user = "carol", role = "admin" });
        await alice.OkAsync("mute", new { room = "Dev", user = "carol" });
        Assert.Equal("muted", await carol.ErrorAsync("send", new { room = "Dev", text = "hm" }));
        Assert.Equal("not_permitted", await carol.ErrorAsync("mute", new { room = "Dev", user = "alice" }));
        await alice.OkAsync("unmute", new { room = "Dev", user = "carol" });
        await carol.OkAsync("send", new { room = "Dev", text = "thanks" });

        // A muted member who becomes the owner can still be unmuted: by itself.
        await alice.OkAsync("mute", new { room = "Dev", user = "bob" });
        await alice.OkAsync("role", new { room = "Dev", user = "bob", role = "owner" });
        Assert.Equal("muted", await bob.ErrorAsync("send", new { room = "Dev", text = "mine now" }));
        await bob.OkAsync("unmute", new { room = "Dev", user = "bob" });
        await bob.OkAsync("send", new { room = "Dev", text = "mine now" });
    }

    [Fact]
    public async Task Roles_go_up_and_down_and_the_owner_hands_the_room_over()
    {
        var (alice, bob, carol) = await RoomOfThreeAsync();
        await using var _ = alice; await using var __ = bob; await using var ___ = carol;

        await alice.OkAsync("role", new { room = "Dev", user = "bob", role = "admin" });
        Assert.Equal("admin", (await bob.OkAsync("room", new { room = "Dev" })).GetProperty("role").GetString());
        await bob.OkAsync("kick", new { room = "Dev", user = "carol" });
        Assert.Equal("not_permitted", await bob.ErrorAsync("kick", new { room = "Dev", user = "alice" }));
        Assert.Equal("not_permitted", await bob.ErrorAsync("role", new { room = "Dev", user = "bob", role = "owner" }));
        Assert.Equal("not_permitted", await alice.ErrorAsync("role", new { room = "Dev", user = "alice", role = "member" }));

        await alice.OkAsync("role", new { room = "Dev", user = "bob", role = "owner" });
        var roles = (await alice.OkAsync("room", new { room = "Dev" })).GetProperty("roles").EnumerateArray()
            .Select(r => (r.GetProperty("user").GetString(), r.GetProperty("role").GetString())).ToArray();
        Assert.Equal([("bob", "owner"), ("alice", "admin")], roles);
        await bob.OkAsync("role", new { room = "Dev", user = "alice", role = "member" });
        Assert.Equal("member", (await alice.OkAsync("room", new { room = "Dev" })).GetProperty("role").GetString());
    }

    [Fact]
    public async Task An_owner_who_leaves_hands_the_room_to_an_admin()
    {
        var (alice, bob, carol) = await RoomOfThreeAsync();
        await using var _ = alice; await using var __ = bob; await using var ___ = carol;
        await alice.OkAsync("role", new { room = "Dev", user = "carol", role = "admin" });

        await alice.OkAsync("leave", new { room = "Dev" });
        await bob.NextAsync("room_changed", e => e.GetProperty("changes").EnumerateArray().Any(c => c.GetProperty("value").GetString() == "carol" && c.GetProperty("role").GetString() == "owner"));
        var roles = (await bob.OkAsync("room", new { room = "Dev" })).GetProperty("roles").EnumerateArray()
            .Select(r => (r.GetProperty("user").GetString(), r.GetProperty("role").GetString())).ToArray();
        Assert.Equal([("carol", "owner")], roles);
        await carol.OkAsync("delete", new { room = "Dev" });
    }

    [Fact]
    public async Task Delete_ends_the_room_with_its_history_and_the_name_starts_afresh()
    {
        var (alice, bob, carol) = await RoomOfThreeAsync();
        await using var _ = alice; await using var __ = bob; await using var ___ = carol;
        await (await _server.RegisterAsync("ivy")).DisposeAsync();
        await using var irc = await IrcClient.SignInAsync(_server.IrcPort, "ivy", "password1", "batch", "draft/chathistory");
        await irc.SendAsync("JOIN #Dev");
        await irc.NextAsync(l => l.Contains(" 366 ivy #Dev "));
        // A change IRC shows as it always has (TOPIC), and whose system line it is not sent, live or in history.
        await alice.OkAsync("topic", new { room = "Dev", topic = "plans" });
        await irc.NextAsync(l => l == ":alice!alice@parley TOPIC #Dev :plans");
        await bob.OkAsync("send", new { room = "Dev", text = "secret plans" });
        await irc.NextAsync(l => l.EndsWith(":bob!bob@parley PRIVMSG #Dev :secret plans"));
        Assert.Equal("alice changed the topic to \u201cplans\u201d", (await carol.NextAsync("message", e => e.TryGetProperty("system", out var s) && s.GetBoolean())).GetProperty("text").GetString());
        await irc.SendAsync("CHATHISTORY LATEST #Dev * 10");
        await irc.NextAsync(l => l.StartsWith(":parley BATCH -"));
        var batch = irc.Lines.SkipWhile(l => !l.Contains("BATCH +")).ToList();
        Assert.Single(batch, l => l.EndsWith(" PRIVMSG #Dev :secret plans"));
        Assert.DoesNotContain(batch, l => l.Contains("changed the topic"));

        Assert.Equal("not_permitted", await bob.ErrorAsync("delete", new { room = "Dev" }));
        Assert.Equal("not_permitted", await alice.ErrorAsync("delete", new { room = "lobby" }));
        Assert.Equal("Dev", (await alice.OkAsync("delete", new { room = "dev" })).GetProperty("room").GetString());
        foreach (var client in new[] { bob, carol })
            Assert.Equal("alice", (await client.NextAsync("room_deleted")).GetProperty("by").GetString());
        await irc.NextAsync(l => l == ":alice!alice@parley KICK #Dev ivy :room deleted");
        Assert.DoesNotContain(irc.Lines, l => l.Contains("changed the topic"));

        Assert.DoesNotContain("Dev", RoomNames(await bob.OkAsync("rooms")));
        Assert.Equal("no_such_room", await bob.ErrorAsync("history", new { room = "Dev" }));
        Assert.Equal("no_such_room", await bob.ErrorAsync("send", new { room = "Dev", text = "anyone?" }));

        // The name is free again: a new room with nothing of the old one.
        await carol.OkAsync("create", new { room = "dev" });
        var history = await carol.OkAsync("history", new { room = "dev" });
        Assert.Empty(history.GetProperty("messages").EnumerateArray());
        Assert.Equal(1, (await carol.OkAsync("send", new { room = "dev", text = "fresh start" })).GetProperty("message").GetProperty("seq").GetInt64());
        Assert.Equal("owner", (await carol.OkAsync("room", new { room = "dev" })).GetProperty("role").GetString());
    }

    [Fact]
    public async Task Deleting_and_moderation_survive_a_restart()
    {
        {
            var (alice, bob, carol) = await RoomOfThreeAsync();
            await using var _ = alice; await using var __ = bob; await using var ___ = carol;
            await alice.OkAsync("create", new { room = "Gone" });
            await alice.OkAsync("send", new { room = "Gone", text = "bye" });
            await alice.OkAsync("delete", new { room = "Gone" });
            await alice.OkAsync("mute", new { room = "Dev", user = "bob", until = Time(Start.AddHours(1)) });
            await alice.OkAsync("ban", new { room = "Dev", user = "carol" });
            await alice.OkAsync("room", new { room = "Dev", @private = true });
        }
        await _server.DisposeAsync();
        _server = await TestServer.StartAsync(dataDirectory: _data, time: _time);

        await using var bob2 = await _server.ConnectAsync();
        await bob2.OkAsync("login", new { user = "bob", password = "password1" });
        Assert.DoesNotContain("Gone", RoomNames(await bob2.OkAsync("rooms")));
        var dev = await bob2.OkAsync("room", new { room = "Dev" });
        Assert.True(dev.GetProperty("private").GetBoolean());
        Assert.Equal(Time(Start.AddHours(1)), Assert.Single(dev.GetProperty("mutes").EnumerateArray()).GetProperty("until").GetString());
        Assert.Equal("carol", Assert.Single(dev.GetProperty("bans").EnumerateArray()).GetProperty("user").GetString());
        Assert.Equal("muted", await bob2.ErrorAsync("send", new { room = "Dev", text = "still?" }));
    }

    [Fact]
    public async Task A_server_admin_runs_any_room_without_being_in_it()
    {
        await _server.DisposeAsync();
        _server = await TestServer.StartAsync(new() { ["Admins:0"] = "root" }, dataDirectory: _data, time: _time);
        var (alice, bob, carol) = await RoomOfThreeAsync();
        await using var _ = alice; await using var __ = bob; await using var ___ = carol;
        await using var root = await _server.RegisterAsync("root");
        await alice.OkAsync("room", new { room = "Dev", @private = true });

        // Not a member, yet it sees the private room with the owner's powers.
        var seen = await root.OkAsync("room", new { room = "Dev" });
        Assert.Equal((false, "owner"), (seen.GetProperty("joined").GetBoolean(), seen.GetProperty("role").GetString()));
        await root.OkAsync("mute", new { room = "Dev", user = "bob" });
        Assert.Equal("muted", await bob.ErrorAsync("send", new { room = "Dev", text = "hey" }));
        await root.OkAsync("unmute", new { room = "Dev", user = "bob" });
        await root.OkAsync("role", new { room = "Dev", user = "bob", role = "owner" });
        var roles = (await carol.OkAsync("room", new { room = "Dev" })).GetProperty("roles").EnumerateArray()
            .Select(r => (r.GetProperty("user").GetString(), r.GetProperty("role").GetString())).ToArray();
        Assert.Equal([("bob", "owner"), ("alice", "admin")], roles);
        // The room keeps an owner: not even a server admin removes or demotes it.
        Assert.Equal("not_permitted", await root.ErrorAsync("kick", new { room = "Dev", user = "bob" }));
        Assert.Equal("not_permitted", await root.ErrorAsync("role", new { room = "Dev", user = "bob", role = "member" }));
        await root.OkAsync("kick", new { room = "Dev", user = "carol", reason = "cleanup" });
        await root.OkAsync("topic", new { room = "Dev", topic = "closing" });
        await root.OkAsync("delete", new { room = "Dev" });
        Assert.Equal("root", (await bob.NextAsync("room_deleted")).GetProperty("by").GetString());
        // A guest who takes an admin's name gets nothing of it; anyone else is only what its role makes it.
        await carol.OkAsync("create", new { room = "Mine" });
        Assert.Equal("not_member", await alice.ErrorAsync("kick", new { room = "Mine", user = "carol" }));
    }

    [Fact]
    public async Task An_owner_who_deletes_its_account_leaves_the_room_to_an_heir()
    {
        var (alice, bob, carol) = await RoomOfThreeAsync();
        await using var _ = alice; await using var __ = bob; await using var ___ = carol;
        await alice.OkAsync("role", new { room = "Dev", user = "carol", role = "admin" });

        await alice.OkAsync("delete_account", new { password = "password1" });
        await bob.NextAsync("leave", e => e.GetProperty("user").GetString() == "alice");
        var roles = (await bob.OkAsync("room", new { room = "Dev" })).GetProperty("roles").EnumerateArray()
            .Select(r => (r.GetProperty("user").GetString(), r.GetProperty("role").GetString())).ToArray();
        Assert.Equal([("carol", "owner")], roles);
        // Gone from the directory and no longer to be added anywhere.
        Assert.Empty((await bob.OkAsync("users", new { prefix = "ali" })).GetProperty("users").EnumerateArray());
        Assert.Equal("no_such_user", await carol.ErrorAsync("invite", new { room = "Dev", user = "alice" }));
        Assert.Equal("no_such_user", await bob.ErrorAsync("profile", new { user = "alice" }));
    }
}
