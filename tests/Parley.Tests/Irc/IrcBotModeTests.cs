using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>bot-mode over the real server: +B, WHOIS 335, WHO flag B and the bot tag.</summary>
public sealed class IrcBotModeTests
{
    [Fact]
    public async Task A_bot_is_shown_in_whois_and_who_and_its_messages_carry_the_bot_tag()
    {
        await using var server = await TestServer.StartAsync(new() { ["IrcGuests"] = "open" });
        await using var bot = await IrcClient.GuestAsync(server.IrcPort, "beep", "echo-message", "message-tags");
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy", "message-tags");
        await using var cat = await IrcClient.GuestAsync(server.IrcPort, "cat");
        Assert.Contains(bot.Lines, l => IrcClient.Numeric(l) == "005" && l.Contains(" BOT=B "));

        await bot.SendAsync("MODE beep +B");
        Assert.Equal(":beep!beep@parley MODE beep +B", await bot.NextAsync(l => l.Contains(" MODE ")));
        await bot.SendAsync("MODE beep");
        Assert.EndsWith(" 221 beep :+B", await bot.NumericAsync("221"));

        await amy.SendAsync("WHOIS beep");
        Assert.StartsWith(":parley 335 amy beep :", await amy.NumericAsync("335"));
        await amy.NumericAsync("318");

        await bot.SendAsync("JOIN #chan");
        await bot.NumericAsync("366");
        await amy.SendAsync("JOIN #chan");
        await amy.NumericAsync("366");
        await cat.SendAsync("JOIN #chan");
        await cat.NumericAsync("366");
        await amy.SendAsync("WHO #chan");
        Assert.Contains(" beep H@B :0 ", await amy.NextAsync(l => IrcClient.Numeric(l) == "352" && l.Contains(" beep ")));

        await bot.SendAsync("PRIVMSG #chan :beep boop");
        var tagged = await amy.NextAsync(l => l.Contains(" PRIVMSG #chan "));
        Assert.Contains(";bot ", tagged);
        Assert.StartsWith(":beep!beep@parley PRIVMSG #chan :beep boop", await cat.NextAsync(l => l.Contains(" PRIVMSG #chan ")));
        Assert.Contains(";bot ", await bot.NextAsync(l => l.Contains(" PRIVMSG #chan ")));
        await bot.SendAsync("PRIVMSG amy :direct");
        Assert.Contains(";bot ", await amy.NextAsync(l => l.Contains(" PRIVMSG amy ")));

        // -B: no longer a bot.
        await bot.SendAsync("MODE beep -B");
        await bot.NextAsync(l => l.EndsWith(" MODE beep -B"));
        await bot.SendAsync("PRIVMSG #chan :human now");
        Assert.DoesNotContain(";bot", await amy.NextAsync(l => l.Contains(" PRIVMSG #chan :human now")));
    }
}
