using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>draft/read-marker: MARKREAD over the real server, for accounts (stored read positions) and guests (memory).</summary>
public sealed class IrcReadMarkerTests
{
    private const string Cap = "draft/read-marker";

    [Fact]
    public async Task An_accounts_marker_is_its_read_position_shared_with_its_other_connections_and_native_clients()
    {
        await using var server = await TestServer.StartAsync();
        await using var native = await server.RegisterAsync("alice");
        await using var bob = await server.RegisterAsync("bob");
        await using var first = await IrcClient.SignInAsync(server.IrcPort, "alice", caps: Cap);
        // The welcome's JOIN of #lobby carries its marker before 366: nothing read yet.
        Assert.Equal(":parley MARKREAD #lobby *", await first.NextAsync(l => IrcClient.Numeric(l) is "MARKREAD" or "366"));

        await first.SendAsync("JOIN #books");
        await first.NextAsync(l => l.EndsWith(" JOIN #books"));
        Assert.Equal(":parley MARKREAD #books *", await first.NextAsync(l => IrcClient.Numeric(l) is "MARKREAD" or "366"));
        await using var second = await IrcClient.SignInAsync(server.IrcPort, "alice", caps: Cap);

        var sent = (await bob.OkAsync("send", new { room = "lobby", text = "hello" })).GetProperty("message");
        var ts = sent.GetProperty("ts").GetString()!;
        await first.SendAsync($"MARKREAD #lobby timestamp={ts}");
        Assert.Equal($":parley MARKREAD #lobby timestamp={ts}", await first.NextAsync(l => IrcClient.Numeric(l) == "MARKREAD"));
        await second.NextAsync(l => l == $":parley MARKREAD #lobby timestamp={ts}");
        // The native client hears its read position move to that message.
        var read = await native.NextAsync("read");
        Assert.Equal(("lobby", sent.GetProperty("seq").GetInt64()), (read.GetProperty("room").GetString(), read.GetProperty("seq").GetInt64()));

        // Never backward: an older time is answered with the stored one.
        await first.SendAsync("MARKREAD #lobby timestamp=2001-01-01T00:00:00.000Z");
        Assert.Equal($":parley MARKREAD #lobby timestamp={ts}", await first.NextAsync(l => IrcClient.Numeric(l) == "MARKREAD"));

        // A read by a native client reaches IRC as the time of the message read.
        var later = (await bob.OkAsync("send", new { room = "lobby", text = "again" })).GetProperty("message");
        await native.OkAsync("read", new { room = "lobby", seq = later.GetProperty("seq").GetInt64() });
        var laterTs = later.GetProperty("ts").GetString();
        await first.NextAsync(l => l == $":parley MARKREAD #lobby timestamp={laterTs}");
        await second.NextAsync(l => l == $":parley MARKREAD #lobby timestamp={laterTs}");

        // Stored: a new connection's JOIN burst carries it, and so does a get.
        await using var third = await IrcClient.SignInAsync(server.IrcPort, "alice", caps: Cap);
        await third.NextAsync(l => l == $":parley MARKREAD #lobby timestamp={laterTs}");
        await third.SendAsync("MARKREAD #lobby");
        await third.NextAsync(l => l == $":parley MARKREAD #lobby timestamp={laterTs}");
        // A direct conversation with an account is stored as well.
        await third.SendAsync("MARKREAD bob timestamp=2030-01-02T03:04:05.678Z");
        await third.NextAsync(l => l == ":parley MARKREAD bob timestamp=2030-01-02T03:04:05.678Z");
        await first.NextAsync(l => l == ":parley MARKREAD bob timestamp=2030-01-02T03:04:05.678Z");
    }

    [Fact]
    public async Task A_guests_markers_live_with_its_connection_and_bad_requests_fail()
    {
        await using var server = await TestServer.StartAsync(new() { ["IrcGuests"] = "open" });
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy", Cap);
        await amy.SendAsync("JOIN #fresh");
        Assert.Equal(":parley MARKREAD #fresh *", await amy.NextAsync(l => IrcClient.Numeric(l) is "MARKREAD" or "366"));
        await amy.SendAsync("MARKREAD #fresh timestamp=2019-01-04T14:33:26.123Z");
        await amy.NextAsync(l => l == ":parley MARKREAD #fresh timestamp=2019-01-04T14:33:26.123Z");
        await amy.SendAsync("MARKREAD #fresh timestamp=2018-01-01T00:00:00.000Z");
        await amy.NextAsync(l => l == ":parley MARKREAD #fresh timestamp=2019-01-04T14:33:26.123Z");
        await amy.SendAsync("PART #fresh");
        await amy.SendAsync("JOIN #fresh");
        await amy.NextAsync(l => l == ":parley MARKREAD #fresh timestamp=2019-01-04T14:33:26.123Z");
        await amy.SendAsync("MARKREAD somebody timestamp=2023-07-04T00:00:00.000Z");
        await amy.NextAsync(l => l == ":parley MARKREAD somebody timestamp=2023-07-04T00:00:00.000Z");

        await amy.SendAsync("MARKREAD #nowhere");
        await amy.NextAsync(l => l == ":parley MARKREAD #nowhere *");
        await amy.SendAsync("MARKREAD");
        await amy.NextAsync(l => l.StartsWith(":parley FAIL MARKREAD NEED_MORE_PARAMS "));
        await amy.SendAsync("MARKREAD #fresh timestamp=yesterday");
        await amy.NextAsync(l => l.StartsWith(":parley FAIL MARKREAD INVALID_PARAMS #fresh "));
        await amy.SendAsync("MARKREAD #fresh *");
        await amy.NextAsync(l => l.StartsWith(":parley FAIL MARKREAD INVALID_PARAMS #fresh "));

        // A client without the capability gets no MARKREAD on JOIN.
        await using var cat = await IrcClient.GuestAsync(server.IrcPort, "cat");
        await cat.SendAsync("JOIN #fresh");
        await cat.NumericAsync("366");
        Assert.DoesNotContain(cat.Lines, l => l.Contains(" MARKREAD "));
    }
}
