using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Faults;

/// <summary>
/// The server's wall clock is stepped back an hour, then forward again, while people chat
/// (docs/reliability.md, "Clock jumps"): nothing is reordered or lost, live or through catch-up,
/// and within a conversation <c>ts</c> never decreases as <c>seq</c> increases.
/// </summary>
public sealed class ClockJumpTests
{
    [Fact]
    public async Task Stepping_the_clock_back_an_hour_and_forward_again_reorders_and_loses_nothing_and_ts_never_decreases()
    {
        var clock = new SteppedClock();
        await using var server = await TestServer.StartAsync(time: clock);
        await using var alice = await server.RegisterAsync("alice");
        var bob = await server.ConnectAsync();
        var token = (await bob.OkAsync("register", new { user = "bob", password = "password1" })).GetProperty("token").GetString();

        var acked = new List<JsonElement>();
        async Task SendAsync(object target) => acked.Add((await alice.OkAsync("send", target)).GetProperty("message"));

        await SendAsync(new { room = "lobby", text = "r1" });
        await SendAsync(new { to = "bob", text = "d1" });
        clock.Step(TimeSpan.FromHours(-1));
        await SendAsync(new { room = "lobby", text = "r2 an hour back" });
        await SendAsync(new { to = "bob", text = "d2 an hour back" });
        // Live: bob gets them in order, each once.
        await bob.NextAsync("message", m => m.GetProperty("text").GetString() == "d2 an hour back");
        Assert.Equal(["r1", "d1", "r2 an hour back", "d2 an hour back"],
            bob.Received.Where(e => e.GetProperty("type").GetString() == "message").Select(e => e.GetProperty("text").GetString()));
        var lastSeen = bob.Received.Where(e => e.GetProperty("type").GetString() == "message" && e.TryGetProperty("room", out _))
            .Max(e => e.GetProperty("seq").GetInt64());

        // Bob goes away; the chat goes on while the clock is behind, then it is set right again.
        await bob.DisposeAsync();
        await SendAsync(new { room = "lobby", text = "r3 while bob is away" });
        clock.Step(TimeSpan.FromMinutes(-5));
        await SendAsync(new { room = "lobby", text = "r4 stepped back again" });
        clock.Step(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(5));
        await SendAsync(new { room = "lobby", text = "r5 clock set right" });
        await SendAsync(new { to = "bob", text = "d3 clock set right" });

        // Bob resumes and catches up from the last seq he saw, as a client does.
        await using var back = await server.ConnectAsync();
        var resumed = await back.OkAsync("resume", new { token });
        var lobby = resumed.GetProperty("rooms").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "lobby");
        Assert.Equal(lastSeen + 3, lobby.GetProperty("lastSeq").GetInt64());
        var missed = await back.OkAsync("history", new { room = "lobby", limit = 200 });
        Assert.Equal(["r3 while bob is away", "r4 stepped back again", "r5 clock set right"],
            Messages(missed).Where(m => m.Seq > lastSeen).Select(m => m.Text));

        // Every acknowledged message is in history once, in seq order, with ts never decreasing,
        // and the ack told the sender the ts that was stored.
        foreach (var (history, kind) in new[]
                 {
                     (await back.OkAsync("history", new { room = "lobby", limit = 200 }), "room"),
                     (await back.OkAsync("history", new { with = "alice", limit = 200 }), "dm"),
                 })
        {
            var messages = Messages(history);
            Assert.Equal(messages.OrderBy(m => m.Seq).Select(m => m.Seq), messages.Select(m => m.Seq));
            Assert.Equal(messages.Select(m => m.Seq).Distinct(), messages.Select(m => m.Seq));
            for (var i = 1; i < messages.Count; i++)
                Assert.True(messages[i].Ts >= messages[i - 1].Ts, $"{kind}: ts went back from {messages[i - 1]} to {messages[i]}");
            foreach (var message in messages)
            {
                var ack = Assert.Single(acked, a => a.GetProperty("id").GetString() == message.Id);
                Assert.Equal(message.Ts, ack.GetProperty("ts").GetDateTimeOffset());
            }
        }
        Assert.Equal((5, 3), (Messages(await back.OkAsync("history", new { room = "lobby", limit = 200 })).Count,
            Messages(await back.OkAsync("history", new { with = "alice", limit = 200 })).Count));
    }

    [Fact]
    public async Task Two_nodes_whose_clocks_disagree_by_an_hour_still_give_a_conversation_a_ts_that_never_decreases()
    {
        await using var nodes = await RedisNodes.StartAsync();
        var behind = new SteppedClock();
        behind.Step(TimeSpan.FromHours(-1));
        await using var a = await nodes.StartNodeAsync("a");
        await using var b = await nodes.StartNodeAsync("b", time: behind);
        await using var alice = await a.RegisterAsync("alice");
        await using var bob = await b.RegisterAsync("bob");

        var acks = new List<JsonElement>();
        for (var i = 0; i < 3; i++)
        {
            acks.Add((await alice.OkAsync("send", new { room = "lobby", text = $"a{i}" })).GetProperty("message"));
            acks.Add((await bob.OkAsync("send", new { room = "lobby", text = $"b{i}" })).GetProperty("message"));
        }
        // The node an hour behind stamps its sends with the latest ts of the conversation instead.
        for (var i = 1; i < acks.Count; i++)
            Assert.True(acks[i].GetProperty("ts").GetDateTimeOffset() >= acks[i - 1].GetProperty("ts").GetDateTimeOffset(), $"ack {i} went back in time");

        // Live on the other node, and in history on both, the same: seq order, ts never decreasing.
        await alice.NextAsync("message", m => m.GetProperty("text").GetString() == "b2");
        var live = alice.Received.Where(e => e.GetProperty("type").GetString() == "message").ToList();
        Assert.Equal(["b0", "b1", "b2"], live.Select(m => m.GetProperty("text").GetString()));
        foreach (var client in new ProtocolClient[] { alice, bob })
        {
            var history = Messages(await client.OkAsync("history", new { room = "lobby", limit = 200 }));
            Assert.Equal(["a0", "b0", "a1", "b1", "a2", "b2"], history.Select(m => m.Text));
            Assert.Equal(acks.Select(m => m.GetProperty("ts").GetDateTimeOffset()), history.Select(m => m.Ts));
        }
        var liveTs = live.Select(m => m.GetProperty("ts").GetDateTimeOffset()).ToList();
        Assert.Equal(acks.Where((_, i) => i % 2 == 1).Select(m => m.GetProperty("ts").GetDateTimeOffset()), liveTs);
    }

    private sealed record Seen(string Id, long Seq, DateTimeOffset Ts, string Text);

    /// <summary>A history page's messages, oldest first.</summary>
    private static List<Seen> Messages(JsonElement history) =>
        history.GetProperty("messages").EnumerateArray()
            .Select(m => new Seen(m.GetProperty("id").GetString()!, m.GetProperty("seq").GetInt64(), m.GetProperty("ts").GetDateTimeOffset(), m.GetProperty("text").GetString()!))
            .Reverse().ToList();

    [Fact]
    public async Task A_room_deleted_and_made_again_starts_its_times_afresh()
    {
        var clock = new SteppedClock();
        await using var server = await TestServer.StartAsync(time: clock);
        await using var alice = await server.RegisterAsync("alice");
        await alice.OkAsync("create", new { room = "plans" });
        // A message stamped while the clock ran an hour fast; then the clock is set right.
        clock.Step(TimeSpan.FromHours(1));
        await alice.OkAsync("send", new { room = "plans", text = "from the future" });
        clock.Step(TimeSpan.FromHours(-1));
        await alice.OkAsync("delete", new { room = "plans" });

        await alice.OkAsync("create", new { room = "plans" });
        var before = DateTimeOffset.UtcNow;
        var sent = (await alice.OkAsync("send", new { room = "plans", text = "now" })).GetProperty("message");
        var ts = DateTimeOffset.Parse(sent.GetProperty("ts").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1, sent.GetProperty("seq").GetInt64());
        // Not held at the old room's latest time, an hour ahead.
        Assert.True(ts < before.AddMinutes(30), $"stamped {ts:O}, the clock says {before:O}");
    }
}
