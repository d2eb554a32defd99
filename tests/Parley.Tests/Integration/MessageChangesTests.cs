using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>What people do with messages once sent (issue 29), over the native protocol and IRC: edit, recall, react, reply, mentions, catching up.</summary>
public sealed class MessageChangesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly string _data = TempDirectory.Create();
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(new() { ["Limits:MaxReactionEmojis"] = "2" }, dataDirectory: _data, time: _time);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        TempDirectory.Delete(_data);
    }

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

    private static long Seq(JsonElement reply) => reply.GetProperty("message").GetProperty("seq").GetInt64();

    private static JsonElement Message(JsonElement reply) => reply.GetProperty("message");

    private async Task<JsonElement> OnlyMessageInHistoryAsync(LineClient client, long seq) =>
        (await client.OkAsync("history", new { room = "Dev" })).GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("seq").GetInt64() == seq);

    [Fact]
    public async Task The_author_edits_within_the_window_and_everyone_sees_the_new_text()
    {
        var (alice, bob, carol) = await RoomOfThreeAsync();
        await using var _ = alice; await using var __ = bob; await using var ___ = carol;
        var seq = Seq(await bob.OkAsync("send", new { room = "Dev", text = "teh plan" }));
        await alice.NextAsync("message");

        Assert.Equal("not_author", await carol.ErrorAsync("edit", new { room = "Dev", seq, text = "mine now" }));
        Assert.Equal("empty_text", await bob.ErrorAsync("edit", new { room = "Dev", seq, text = " " }));
        Assert.Equal("no_such_message", await bob.ErrorAsync("edit", new { room = "Dev", seq = 99, text = "x" }));
        _time.Advance(TimeSpan.FromMinutes(14));
        var edited = Message(await bob.OkAsync("edit", new { room = "Dev", seq, text = "the plan" }));
        Assert.Equal(("the plan", 1L), (edited.GetProperty("text").GetString(), edited.GetProperty("rev").GetInt64()));
        Assert.Equal(_time.GetUtcNow(), edited.GetProperty("edited").GetDateTimeOffset());

        var seen = await alice.NextAsync("edit");
        Assert.Equal(("bob", "the plan", seq), (seen.GetProperty("by").GetString(), Message(seen).GetProperty("text").GetString(), Message(seen).GetProperty("seq").GetInt64()));
        await carol.NextAsync("edit");
        Assert.Equal("the plan", (await OnlyMessageInHistoryAsync(carol, seq)).GetProperty("text").GetString());

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("too_late", await bob.ErrorAsync("edit", new { room = "Dev", seq, text = "later" }));
    }

    [Fact]
    public async Task The_author_recalls_within_two_minutes_and_a_room_admin_any_time()
    {
        var (alice, bob, carol) = await RoomOfThreeAsync();
        await using var _ = alice; await using var __ = bob; await using var ___ = carol;
        var oops = Seq(await bob.OkAsync("send", new { room = "Dev", text = "my password is hunter2" }));
        var spam = Seq(await bob.OkAsync("send", new { room = "Dev", text = "buy now" }));
        await alice.OkAsync("react", new { room = "Dev", seq = oops, emoji = "😮" });

        Assert.Equal("not_author", await carol.ErrorAsync("recall", new { room = "Dev", seq = oops }));
        var recalled = Message(await bob.OkAsync("recall", new { room = "Dev", seq = oops }));
        Assert.False(recalled.TryGetProperty("text", out var noText));
        Assert.Equal((true, "bob"), (recalled.GetProperty("recalled").GetBoolean(), recalled.GetProperty("recalledBy").GetString()));
        Assert.False(recalled.TryGetProperty("reactions", out var noReactions));
        var told = await carol.NextAsync("recall");
        Assert.Equal(("bob", oops), (told.GetProperty("by").GetString(), Message(told).GetProperty("seq").GetInt64()));

        // Gone for good: history has the tombstone, and nothing more changes it.
        var tombstone = await OnlyMessageInHistoryAsync(alice, oops);
        Assert.False(tombstone.TryGetProperty("text", out var gone));
        Assert.True(tombstone.GetProperty("recalled").GetBoolean());
        Assert.Equal("no_such_message", await bob.ErrorAsync("edit", new { room = "Dev", seq = oops, text = "undo" }));
        Assert.Equal("no_such_message", await alice.ErrorAsync("react", new { room = "Dev", seq = oops, emoji = "👍" }));

        // Too late for its author; never too late for the room's owner or admins.
        _time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal("too_late", await bob.ErrorAsync("recall", new { room = "Dev", seq = spam }));
        await alice.OkAsync("role", new { room = "Dev", user = "carol", role = "admin" });
        Assert.Equal("carol", Message(await carol.OkAsync("recall", new { room = "Dev", seq = spam })).GetProperty("recalledBy").GetString());
        Assert.Equal("carol", (await bob.NextAsync("recall")).GetProperty("by").GetString());
        // An admin does not outrank the owner.
        var owners = Seq(await alice.OkAsync("send", new { room = "Dev", text = "owner's word" }));
        Assert.Equal("not_author", await carol.ErrorAsync("recall", new { room = "Dev", seq = owners }));
    }

    [Fact]
    public async Task Reactions_toggle_are_limited_to_single_emojis_and_stay_in_history()
    {
        var (alice, bob, carol) = await RoomOfThreeAsync();
        await using var _ = alice; await using var __ = bob; await using var ___ = carol;
        var seq = Seq(await alice.OkAsync("send", new { room = "Dev", text = "ship it?" }));

        foreach (var bad in new[] { "ok", "👍👍", "", "a👍", " ", new string('x', 40) })
            Assert.Equal("bad_emoji", await bob.ErrorAsync("react", new { room = "Dev", seq, emoji = bad }));
        await bob.OkAsync("react", new { room = "Dev", seq, emoji = "👍" });
        var event1 = await alice.NextAsync("react");
        Assert.Equal(("bob", "👍", true), (event1.GetProperty("by").GetString(), event1.GetProperty("emoji").GetString(), event1.GetProperty("on").GetBoolean()));
        await carol.OkAsync("react", new { room = "Dev", seq, emoji = "👍🏽" });
        // The limit here is 2 different emojis; one already there can still be added.
        Assert.Equal("too_many_reactions", await carol.ErrorAsync("react", new { room = "Dev", seq, emoji = "🇫🇷" }));
        var both = Message(await carol.OkAsync("react", new { room = "Dev", seq, emoji = "👍" }));
        Assert.Equal(2, both.GetProperty("rev").GetInt64() - 1);
        // The same again changes nothing, and tells nobody.
        await carol.OkAsync("react", new { room = "Dev", seq, emoji = "👍" });
        await bob.OkAsync("react", new { room = "Dev", seq, emoji = "👍", on = false });

        var reactions = (await OnlyMessageInHistoryAsync(alice, seq)).GetProperty("reactions").EnumerateArray()
            .Select(r => (r.GetProperty("emoji").GetString(), string.Join(",", r.GetProperty("users").EnumerateArray().Select(u => u.GetString()))))
            .ToArray();
        Assert.Equal([("👍", "carol"), ("👍🏽", "carol")], reactions);
        Assert.Equal(4, (await alice.OkAsync("changes", new { room = "Dev" })).GetProperty("messages").EnumerateArray().Single().GetProperty("rev").GetInt64());
    }

    [Fact]
    public async Task Replies_and_mentions_are_carried_with_the_message()
    {
        var (alice, bob, carol) = await RoomOfThreeAsync();
        await using var _ = alice; await using var __ = bob; await using var ___ = carol;
        var question = Seq(await alice.OkAsync("send", new { room = "Dev", text = "lunch?" }));

        var reply = await bob.OkAsync("send", new { room = "Dev", text = "@Alice yes, and @carol too. mail bob@example.org @nobody @all", replyTo = question });
        Assert.Equal(["alice", "carol"], Message(reply).GetProperty("mentions").EnumerateArray().Select(m => m.GetString()));
        Assert.False(Message(reply).TryGetProperty("mentionsAll", out var noAll));
        var received = await carol.NextAsync("message", m => m.GetProperty("from").GetString() == "bob");
        Assert.Equal(question, received.GetProperty("replyTo").GetInt64());
        Assert.Equal(["alice", "carol"], received.GetProperty("mentions").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(question, (await OnlyMessageInHistoryAsync(alice, Seq(reply))).GetProperty("replyTo").GetInt64());

        // CJK text right before the @ still calls; an edit calls whom the new text calls.
        var thanks = Message(await alice.OkAsync("send", new { room = "Dev", text = "谢谢@bob 看一下" }));
        Assert.Equal(["bob"], thanks.GetProperty("mentions").EnumerateArray().Select(m => m.GetString()));
        var fixedUp = Message(await alice.OkAsync("edit", new { room = "Dev", seq = thanks.GetProperty("seq").GetInt64(), text = "谢谢@carol" }));
        Assert.Equal(["carol"], fixedUp.GetProperty("mentions").EnumerateArray().Select(m => m.GetString()));

        // @all is the owner's and admins'.
        Assert.True(Message(await alice.OkAsync("send", new { room = "Dev", text = "@all standup" })).GetProperty("mentionsAll").GetBoolean());
        Assert.Equal("no_such_message", await bob.ErrorAsync("send", new { room = "Dev", text = "hm", replyTo = 99 }));

        // In a DM, only its two users can be called.
        var direct = await alice.OkAsync("send", new { to = "bob", text = "@bob @carol psst" });
        Assert.Equal(["bob"], Message(direct).GetProperty("mentions").EnumerateArray().Select(m => m.GetString()));
        var dm = Seq(direct);
        Assert.Equal(dm, (await bob.NextAsync("message", m => m.TryGetProperty("to", out var to) && to.ValueKind == JsonValueKind.String)).GetProperty("seq").GetInt64());
        await bob.OkAsync("send", new { to = "alice", text = "ok", replyTo = dm });
        await bob.OkAsync("react", new { to = "alice", seq = dm, emoji = "👌" });
        Assert.Equal("bob", (await alice.NextAsync("react")).GetProperty("by").GetString());
        Assert.Equal("not_author", await bob.ErrorAsync("recall", new { with = "alice", seq = dm }));

        // Signing in again, carol has three unread messages in Dev that call her (by name twice, and @all).
        await using var again = await _server.ConnectAsync();
        var login = await again.OkAsync("login", new { user = "carol", password = "password1" });
        var dev = login.GetProperty("rooms").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "Dev");
        Assert.Equal(3, dev.GetProperty("mentioned").GetInt64());
    }

    [Fact]
    public async Task A_client_back_after_a_restart_catches_up_with_the_changes_in_order()
    {
        var (alice, bob, carol) = await RoomOfThreeAsync();
        await using var _ = alice; await using var __ = carol;
        var first = Seq(await alice.OkAsync("send", new { room = "Dev", text = "one" }));
        var second = Seq(await alice.OkAsync("send", new { room = "Dev", text = "two" }));
        await bob.OkAsync("react", new { room = "Dev", seq = first, emoji = "🎉" });
        var lastSeen = Message(await alice.NextAsync("react")).GetProperty("rev").GetInt64();
        await bob.DisposeAsync();

        // Changes bob missed while away, then a restart of the server.
        await alice.OkAsync("edit", new { room = "Dev", seq = second, text = "two!" });
        await alice.OkAsync("recall", new { room = "Dev", seq = first });
        await _server.DisposeAsync();
        _server = await TestServer.StartAsync(new() { ["Limits:MaxReactionEmojis"] = "2" }, dataDirectory: _data, time: _time);
        await using var back = await _server.ConnectAsync();
        await back.OkAsync("login", new { user = "bob", password = "password1" });

        var changes = await back.OkAsync("changes", new { room = "Dev", after = lastSeen });
        var messages = changes.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal([second, first], messages.Select(m => m.GetProperty("seq").GetInt64()));
        Assert.Equal("two!", messages[0].GetProperty("text").GetString());
        Assert.True(messages[1].GetProperty("recalled").GetBoolean());
        Assert.Equal([2L, 3], messages.Select(m => m.GetProperty("rev").GetInt64()));
        Assert.False(changes.GetProperty("more").GetBoolean());
        Assert.Empty((await back.OkAsync("changes", new { room = "Dev", after = 3 })).GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task A_muted_member_changes_nothing_and_an_outsider_cannot_see_the_room()
    {
        var (alice, bob, carol) = await RoomOfThreeAsync();
        await using var _ = alice; await using var __ = bob; await using var ___ = carol;
        await using var dave = await _server.RegisterAsync("dave");
        var seq = Seq(await bob.OkAsync("send", new { room = "Dev", text = "hi" }));
        await alice.OkAsync("mute", new { room = "Dev", user = "bob" });
        Assert.Equal("muted", await bob.ErrorAsync("edit", new { room = "Dev", seq, text = "hey" }));
        Assert.Equal("muted", await bob.ErrorAsync("react", new { room = "Dev", seq, emoji = "👍" }));
        Assert.Equal("not_member", await dave.ErrorAsync("react", new { room = "Dev", seq, emoji = "👍" }));
        Assert.Equal("not_member", await dave.ErrorAsync("changes", new { room = "Dev" }));
        Assert.Equal("missing_field", await alice.ErrorAsync("recall", new { seq }));
        Assert.Equal("bad_field", await alice.ErrorAsync("recall", new { room = "Dev", to = "bob", seq }));
    }

    [Fact]
    public async Task Irc_clients_see_edits_and_recalls_as_notices_and_reactions_as_tags()
    {
        var (alice, bob, carol) = await RoomOfThreeAsync();
        await using var _ = alice; await using var __ = bob; await using var ___ = carol;
        await using var plain = await IrcClient.SignInAsync(_server.IrcPort, "carol");
        await plain.SendAsync("JOIN #Dev");
        await plain.NextAsync(l => l.Contains(" 366 carol #Dev "));
        await using var tagged = await IrcClient.SignInAsync(_server.IrcPort, "bob", "password1", "message-tags");
        await tagged.SendAsync("JOIN #Dev");
        await tagged.NextAsync(l => l.Contains(" 366 bob #Dev "));

        var sent = Message(await alice.OkAsync("send", new { room = "Dev", text = "hello" }));
        var (seq, id) = (sent.GetProperty("seq").GetInt64(), sent.GetProperty("id").GetString());
        await plain.NextAsync(l => l.EndsWith("PRIVMSG #Dev :hello"));
        await alice.OkAsync("react", new { room = "Dev", seq, emoji = "👍" });
        await tagged.NextAsync(l => l == $"@+draft/react=👍;+draft/reply={id};+reply={id} :alice!alice@parley TAGMSG #Dev");
        await alice.OkAsync("edit", new { room = "Dev", seq, text = "hello\nall" });
        await plain.NextAsync(l => l == ":alice!alice@parley NOTICE #Dev :* alice edited: hello all");
        await alice.OkAsync("recall", new { room = "Dev", seq });
        await plain.NextAsync(l => l == ":alice!alice@parley NOTICE #Dev :* alice recalled a message");
        Assert.DoesNotContain(plain.Lines, l => l.Contains(" TAGMSG #Dev"));
    }
}
