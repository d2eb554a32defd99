using Microsoft.Extensions.Time.Testing;
using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>LIST with ELIST filters over the real server, on a fake clock.</summary>
public sealed class IrcListFilterTests
{
    [Fact]
    public async Task List_filters_by_mask_negated_mask_members_creation_and_topic_time()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync(new() { ["IrcGuests"] = "open" }, time: time);
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy");
        await using var cat = await IrcClient.GuestAsync(server.IrcPort, "cat");
        Assert.Contains(amy.Lines, l => IrcClient.Numeric(l) == "005" && l.Contains(" ELIST=CMNTU "));
        await amy.SendAsync("JOIN #chan1");
        await amy.NumericAsync("366");
        await amy.SendAsync("TOPIC #chan1 :first");
        await amy.NextAsync(l => l.Contains(" TOPIC #chan1 "));
        time.Advance(TimeSpan.FromMinutes(3));
        await amy.SendAsync("JOIN #chan2");
        await amy.NumericAsync("366");
        await amy.SendAsync("TOPIC #chan2 :second");
        await amy.NextAsync(l => l.Contains(" TOPIC #chan2 "));
        await cat.SendAsync("JOIN #chan2");
        await cat.NumericAsync("366");
        time.Advance(TimeSpan.FromMinutes(1));

        async Task<string[]> ListAsync(string filter)
        {
            await cat.SendAsync($"LIST {filter}");
            var lines = new List<string>();
            while (await cat.NextAsync(l => IrcClient.Numeric(l) is "322" or "323") is var line && IrcClient.Numeric(line) == "322")
                lines.Add(line.Split(' ')[3]);
            return [.. lines.Order()];
        }

        Assert.Equal(["#chan1"], await ListAsync("*an1"));
        Assert.Equal(["#chan1", "#chan2"], await ListAsync("#CH*"));
        Assert.Equal(["#chan2"], await ListAsync("#chan2"));
        // The empty #lobby is listed only when named.
        Assert.Equal(["#chan1"], await ListAsync("!*an2"));
        Assert.Equal(["#lobby"], await ListAsync("#lobby"));
        Assert.Equal(["#chan1", "#chan2"], await ListAsync(">0"));
        Assert.Equal(["#chan2"], await ListAsync(">1"));
        Assert.Equal(["#chan1"], await ListAsync("<2"));
        Assert.Equal(["#chan1"], await ListAsync("C>2,#chan*"));
        Assert.Equal(["#chan2"], await ListAsync("C<2"));
        Assert.Equal(["#chan1"], await ListAsync("T>2"));
        Assert.Equal(["#chan2"], await ListAsync("T<2"));
        Assert.Equal(["#chan1", "#chan2"], await ListAsync("T<10"));
        Assert.Empty(await ListAsync("T<0"));
    }
}
