using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>UTF8ONLY over the real server: a line that is not UTF-8 is refused and the connection goes on.</summary>
public sealed class IrcUtf8OnlyTests
{
    [Fact]
    public async Task A_line_that_is_not_utf8_gets_fail_invalid_utf8_and_is_not_delivered()
    {
        await using var server = await TestServer.StartAsync(new() { ["IrcGuests"] = "open" });
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy");
        await using var cat = await IrcClient.GuestAsync(server.IrcPort, "cat");
        Assert.Contains(amy.Lines, l => IrcClient.Numeric(l) == "005" && l.Contains(" UTF8ONLY "));

        await amy.SendBytesAsync([.. "PRIVMSG cat :caf"u8, 0xE9, .. "\r\n"u8]);
        Assert.StartsWith(":parley FAIL PRIVMSG INVALID_UTF8 :", await amy.NextAsync(l => l.Contains(" FAIL ")));
        await amy.SendAsync("PRIVMSG cat :café");
        Assert.EndsWith(":amy!amy@parley PRIVMSG cat :café", await cat.NextAsync(l => l.Contains(" PRIVMSG ")));
        Assert.DoesNotContain(cat.Lines, l => l.Contains("caf\uFFFD"));

        // Before registration too: the client may send the line again, in UTF-8.
        await using var late = await IrcClient.ConnectAsync(server.IrcPort);
        await late.SendAsync("NICK dan");
        await late.SendBytesAsync([.. "USER "u8, 0xE8, .. "rc * * :real\r\n"u8]);
        await late.NextAsync(l => l.StartsWith(":parley FAIL USER INVALID_UTF8 "));
        await late.SendAsync("USER dan * * :real");
        await late.NumericAsync("001");
    }
}
