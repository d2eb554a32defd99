using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>HELP and HELPOP over the real server.</summary>
public sealed class IrcHelpTests
{
    [Theory]
    [InlineData("HELP")]
    [InlineData("HELPOP")]
    public async Task Help_lists_the_commands_explains_one_and_refuses_an_unknown_subject(string command)
    {
        await using var server = await TestServer.StartAsync(new() { ["IrcGuests"] = "open" });
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy");

        await amy.SendAsync(command);
        Assert.StartsWith(":parley 704 amy index :", await amy.NumericAsync("704"));
        Assert.Contains("PRIVMSG", string.Join(' ', await TextUntilEndAsync(amy, "index")));

        await amy.SendAsync($"{command} privmsg");
        Assert.StartsWith(":parley 704 amy PRIVMSG :PRIVMSG target", await amy.NumericAsync("704"));
        Assert.NotEmpty(await TextUntilEndAsync(amy, "PRIVMSG"));

        await amy.SendAsync($"{command} NOSUCHTHING");
        Assert.StartsWith(":parley 524 amy NOSUCHTHING :", await amy.NextAsync(l => IrcClient.Numeric(l) is "524" or "704"));
    }

    /// <summary>The 705 lines up to the 706 of <paramref name="subject"/>.</summary>
    private static async Task<List<string>> TextUntilEndAsync(IrcClient client, string subject)
    {
        var lines = new List<string>();
        while (await client.NextAsync(l => IrcClient.Numeric(l) is "705" or "706") is var line && IrcClient.Numeric(line) == "705")
        {
            Assert.StartsWith($":parley 705 amy {subject} :", line);
            lines.Add(line);
        }
        return lines;
    }
}
