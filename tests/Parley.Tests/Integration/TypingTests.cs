using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>Typing indicators (issue 29) over real TCP, WebSocket and IRC connections, with a fake clock for the rate limit.</summary>
public sealed class TypingTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(time: _time);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string? Text(JsonElement e, string property) =>
        e.TryGetProperty(property, out var value) ? value.GetString() : null;

    [Fact]
    public async Task Typing_in_a_room_reaches_the_other_members_over_tcp_and_websocket_and_is_never_stored()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var bob = await _server.ConnectWebSocketAsync();
        await bob.OkAsync("register", new { user = "bob", password = "password1" });

        await alice.OkAsync("typing", new { room = "lobby" });
        var typing = await bob.NextAsync("typing");
        Assert.Equal("lobby", Text(typing, "room"));
        Assert.Equal("alice", Text(typing, "user"));
        Assert.Equal("active", Text(typing, "state"));
        Assert.False(typing.TryGetProperty("to", out _));

        await bob.OkAsync("typing", new { room = "LOBBY", state = "done" });
        // A done without an active before it is dropped: bob had not typed.
        await bob.OkAsync("typing", new { room = "lobby" });
        var back = await alice.NextAsync("typing");
        Assert.Equal(("bob", "active"), (Text(back, "user"), Text(back, "state")));
        await bob.OkAsync("typing", new { room = "lobby", state = "done" });
        Assert.Equal("done", Text(await alice.NextAsync("typing"), "state"));

        var history = await bob.OkAsync("history", new { room = "lobby" });
        Assert.Empty(history.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task Typing_to_a_user_reaches_its_sessions_with_to_as_a_message_has_it_and_with_is_accepted_too()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var bob = await _server.RegisterAsync("bob");
        await using var bobPhone = await _server.ConnectWebSocketAsync();
        await bobPhone.OkAsync("login", new { user = "bob", password = "password1" });
        await using var carol = await _server.RegisterAsync("carol");

        await alice.OkAsync("typing", new { to = "BOB" });
        foreach (var session in new ProtocolClient[] { bob, bobPhone })
        {
            var typing = await session.NextAsync("typing");
            Assert.Equal(("bob", "alice", "active"), (Text(typing, "to"), Text(typing, "user"), Text(typing, "state")));
            Assert.False(typing.TryGetProperty("room", out _));
        }
        await bob.OkAsync("typing", new { with = "alice" });
        var answer = await alice.NextAsync("typing");
        Assert.Equal(("alice", "bob"), (Text(answer, "to"), Text(answer, "user")));

        // Nobody else hears it; the DM has no message.
        await alice.OkAsync("send", new { to = "bob", text = "here" });
        await bob.NextAsync("message");
        Assert.True(carol.HasNo("typing"));
        Assert.Single((await bob.OkAsync("history", new { with = "alice" })).GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task Typing_is_relayed_at_most_once_per_interval_per_conversation_or_once_after_a_message()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var bob = await _server.RegisterAsync("bob");

        await alice.OkAsync("typing", new { room = "lobby" });
        await alice.OkAsync("typing", new { room = "lobby" });
        _time.Advance(TimeSpan.FromSeconds(1.9));
        await alice.OkAsync("typing", new { room = "lobby" });
        // Another conversation has its own window.
        await alice.OkAsync("typing", new { to = "bob" });
        await alice.OkAsync("send", new { room = "lobby", text = "first" });
        await bob.NextAsync("message", e => Text(e, "text") == "first");
        Assert.Single(bob.Received, e => Text(e, "type") == "typing" && Text(e, "room") == "lobby");
        Assert.Single(bob.Received, e => Text(e, "type") == "typing" && Text(e, "to") == "bob");

        _time.Advance(TimeSpan.FromSeconds(0.1));
        await alice.OkAsync("typing", new { room = "lobby" });
        await alice.OkAsync("typing", new { room = "lobby", state = "paused" });
        await alice.OkAsync("typing", new { room = "lobby", state = "done" });
        await alice.OkAsync("send", new { room = "lobby", text = "second" });
        await bob.NextAsync("message", e => Text(e, "text") == "second");
        var states = bob.Received.Where(e => Text(e, "type") == "typing" && Text(e, "room") == "lobby").Select(e => Text(e, "state")!).ToArray();
        Assert.Equal<string>(["active", "active", "paused"], states);

        // A message there opens the window again at once: the next one shows without waiting.
        await alice.OkAsync("typing", new { room = "lobby" });
        await alice.OkAsync("typing", new { room = "lobby" });
        await alice.OkAsync("send", new { room = "lobby", text = "third" });
        await bob.NextAsync("message", e => Text(e, "text") == "third");
        Assert.Equal(3, bob.Received.Count(e => Text(e, "type") == "typing" && Text(e, "room") == "lobby" && Text(e, "state") == "active"));
    }

    [Fact]
    public async Task Typing_is_refused_where_a_message_would_be()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var bob = await _server.RegisterAsync("bob");
        await alice.OkAsync("create", new { room = "Dev" });
        await alice.OkAsync("invite", new { room = "Dev", user = "bob" });

        await using var carol = await _server.RegisterAsync("carol");
        Assert.Equal("not_member", await carol.ErrorAsync("typing", new { room = "Dev" }));
        Assert.Equal("no_such_room", await carol.ErrorAsync("typing", new { room = "nowhere" }));
        Assert.Equal("no_such_user", await carol.ErrorAsync("typing", new { to = "nobody" }));
        Assert.Equal("bad_name", await carol.ErrorAsync("typing", new { to = "no body" }));
        Assert.Equal("missing_field", await carol.ErrorAsync("typing", new { }));
        Assert.Equal("bad_field", await carol.ErrorAsync("typing", new { room = "lobby", to = "bob" }));
        Assert.Equal("bad_field", await carol.ErrorAsync("typing", new { to = "bob", with = "bob" }));
        Assert.Equal("bad_field", await carol.ErrorAsync("typing", new { room = "lobby", state = "thinking" }));

        await alice.OkAsync("mute", new { room = "Dev", user = "bob" });
        Assert.Equal("muted", await bob.ErrorAsync("typing", new { room = "Dev" }));

        await alice.OkAsync("block", new { user = "carol" });
        Assert.Equal("blocked", await carol.ErrorAsync("typing", new { to = "alice" }));

        await using var anonymous = await _server.ConnectAsync();
        Assert.Equal("unauthenticated", await anonymous.ErrorAsync("typing", new { room = "lobby" }));

        // None of it reached anyone.
        await carol.OkAsync("send", new { room = "lobby", text = "done" });
        await alice.NextAsync("message", e => Text(e, "text") == "done");
        Assert.True(alice.HasNo("typing"));
    }

    [Fact]
    public async Task Typing_to_a_user_who_is_offline_is_accepted_and_goes_nowhere()
    {
        var bob = await _server.RegisterAsync("bob");
        await bob.DisposeAsync();
        await using var alice = await _server.RegisterAsync("alice");
        await alice.OkAsync("typing", new { to = "bob" });
    }

    [Fact]
    public async Task Irc_tagmsg_typing_and_native_typing_reach_each_other()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var bob = await _server.RegisterAsync("bob");
        await using var bobIrc = await IrcClient.SignInAsync(_server.IrcPort, "bob", "password1", "message-tags");
        await using var aliceIrc = await IrcClient.SignInAsync(_server.IrcPort, "alice", "password1");

        // Native → IRC (message-tags only).
        await alice.OkAsync("typing", new { room = "lobby" });
        Assert.EndsWith(";+typing=active :alice!alice@parley TAGMSG #lobby", await bobIrc.NextAsync(l => l.Contains(" TAGMSG #lobby")));
        await alice.OkAsync("typing", new { to = "bob" });
        Assert.EndsWith(";+typing=active :alice!alice@parley TAGMSG bob", await bobIrc.NextAsync(l => l.Contains(" TAGMSG bob")));

        // IRC → native: each state, in a room and to a user.
        await bobIrc.SendAsync("@+typing=active TAGMSG #lobby");
        var typing = await alice.NextAsync("typing", e => Text(e, "room") == "lobby");
        Assert.Equal(("bob", "active"), (Text(typing, "user"), Text(typing, "state")));
        await bobIrc.SendAsync("@+typing=paused TAGMSG alice");
        typing = await alice.NextAsync("typing", e => Text(e, "to") == "alice");
        Assert.Equal(("bob", "paused"), (Text(typing, "user"), Text(typing, "state")));
        await bobIrc.SendAsync("@+typing=done TAGMSG alice");
        Assert.Equal("done", Text(await alice.NextAsync("typing", e => Text(e, "to") == "alice"), "state"));

        // Other client tags have no native form, and an unknown typing value is none.
        await bobIrc.SendAsync("@+draft/react=👍 TAGMSG #lobby");
        await bobIrc.SendAsync("@+typing=sleepy TAGMSG #lobby");
        await bobIrc.SendAsync("PRIVMSG #lobby :after");
        await alice.NextAsync("message", e => Text(e, "text") == "after");
        Assert.True(alice.HasNo("typing"));
    }
}
