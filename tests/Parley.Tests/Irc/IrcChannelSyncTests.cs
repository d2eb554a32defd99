using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>
/// The queries irssi sends to "sync" a channel after joining it, line for line as irssi 1.4
/// sends them (its channels-query logic): MODE #c, then WHO #c, then MODE #c b, each only once
/// the previous one's end numeric has come (324, 315, 368). A missing end leaves irssi waiting;
/// an error it does not expect makes it retry each channel alone. With -querychans above 1 it
/// names several channels in one query and counts one end numeric per channel.
/// </summary>
public sealed class IrcChannelSyncTests
{
    [Fact]
    public async Task Irssi_sync_queries_after_a_join_each_get_their_end_numeric()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var guest = await IrcClient.GuestAsync(server.IrcPort, "visitor");

        await guest.SendAsync("JOIN #lobby");
        await guest.NextAsync(l => l == ":visitor!visitor@parley JOIN #lobby");
        await guest.NumericAsync("366");

        await guest.SendAsync("MODE #lobby");
        Assert.Equal(":parley 324 visitor #lobby :+n", await guest.NumericAsync("324"));
        await guest.SendAsync("WHO #lobby");
        Assert.Contains(" 352 visitor #lobby bob parley parley bob ", await guest.NextAsync(l => l.Contains(" 352 visitor #lobby bob ")));
        Assert.Contains(" 352 visitor #lobby ~visitor parley parley visitor H ", await guest.NextAsync(l => l.Contains(" 352 visitor #lobby ~visitor ")));
        Assert.StartsWith(":parley 315 visitor #lobby :", await guest.NumericAsync("315"));
        await guest.SendAsync("MODE #lobby b");
        Assert.StartsWith(":parley 368 visitor #lobby :", await guest.NumericAsync("368"));
    }

    [Fact]
    public async Task Irssi_sync_queries_naming_several_channels_get_one_end_numeric_per_channel()
    {
        await using var server = await TestServer.StartAsync();
        await using var native = await server.RegisterAsync("alice");
        await using var irc = await IrcClient.SignInAsync(server.IrcPort, "alice");
        await irc.NumericAsync("366"); // #lobby, joined at registration
        await irc.SendAsync("JOIN #games");
        await irc.NumericAsync("366");

        await irc.SendAsync("MODE #lobby,#Games");
        Assert.Equal(":parley 324 alice #lobby :+n", await irc.NumericAsync("324"));
        Assert.Equal(":parley 324 alice #games :+n", await irc.NumericAsync("324"));

        await irc.SendAsync("WHO #lobby,#Games");
        Assert.Contains(" 352 alice #lobby alice ", await irc.NumericAsync("352"));
        Assert.StartsWith(":parley 315 alice #lobby :", await irc.NumericAsync("315"));
        Assert.Contains(" 352 alice #games alice ", await irc.NumericAsync("352"));
        Assert.StartsWith(":parley 315 alice #Games :", await irc.NumericAsync("315"));

        await irc.SendAsync("MODE #lobby,#Games b");
        Assert.StartsWith(":parley 368 alice #lobby :", await irc.NumericAsync("368"));
        Assert.StartsWith(":parley 368 alice #games :", await irc.NumericAsync("368"));

        await irc.SendAsync("PING :done");
        await irc.NextAsync(l => l.EndsWith(" PONG parley :done"));
        Assert.DoesNotContain(irc.Lines, l => IrcClient.Numeric(l) is "403" or "482");
    }
}
