using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>CHATHISTORY (draft/chathistory) over a stored room's history, against the real server over TCP.</summary>
public sealed partial class IrcChatHistoryTests
{
    private static readonly string[] Caps = ["batch", "message-tags", "server-time", "echo-message", "draft/chathistory", "labeled-response"];

    private sealed record Sent(string Text, string MsgId, string Time);

    /// <summary>An account in #hist that said m1…m6, one second apart on the server's (fake) clock.</summary>
    private static async Task<(TestServer Server, IrcClient Client, List<Sent> Sent)> SixMessagesAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 3, 4, 5, 6, 7, TimeSpan.Zero));
        var server = await TestServer.StartAsync(time: time);
        await (await server.RegisterAsync("alice")).DisposeAsync();
        var alice = await IrcClient.SignInAsync(server.IrcPort, "alice", "password1", Caps);
        await alice.SendAsync("JOIN #hist");
        await alice.NumericAsync("366");
        var sent = new List<Sent>();
        for (var i = 1; i <= 6; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await alice.SendAsync($"PRIVMSG #hist :m{i}");
            var echo = await alice.NextAsync(l => l.EndsWith($" PRIVMSG #hist :m{i}"));
            var tags = Tags(echo);
            sent.Add(new Sent($"m{i}", tags["msgid"], tags["time"]));
        }
        return (server, alice, sent);
    }

    [Fact]
    public async Task LATEST_BEFORE_AFTER_AROUND_and_BETWEEN_page_the_stored_history_oldest_first_in_a_batch()
    {
        var (server, alice, sent) = await SixMessagesAsync();
        await using var _ = server;
        await using var __ = alice;
        var isupport = alice.Lines.Single(l => l.Contains(" 005 ") && l.Contains("CHATHISTORY="));
        Assert.Contains("MSGREFTYPES=timestamp,msgid", isupport);

        await alice.SendAsync("CHATHISTORY LATEST #hist * 10");
        var latest = await BatchAsync(alice, "chathistory #hist");
        Assert.Equal(["m1", "m2", "m3", "m4", "m5", "m6"], latest.Select(Text));
        Assert.All(latest, l => Assert.Matches("^@batch=[A-Za-z0-9-]+;time=[^ ;]+;msgid=[0-9a-f]+ :alice!alice@parley PRIVMSG #hist :m[1-6]$", l));
        Assert.Equal(sent.Select(s => s.MsgId), latest.Select(l => Tags(l)["msgid"]));

        await alice.SendAsync("CHATHISTORY LATEST #hist * 2");
        Assert.Equal(["m5", "m6"], (await BatchAsync(alice, "chathistory #hist")).Select(Text));
        await alice.SendAsync($"CHATHISTORY LATEST #hist msgid={sent[3].MsgId} 10");
        Assert.Equal(["m5", "m6"], (await BatchAsync(alice, "chathistory #hist")).Select(Text));
        await alice.SendAsync($"CHATHISTORY BEFORE #hist msgid={sent[3].MsgId} 2");
        Assert.Equal(["m2", "m3"], (await BatchAsync(alice, "chathistory #hist")).Select(Text));
        await alice.SendAsync($"CHATHISTORY BEFORE #hist timestamp={sent[3].Time} 10");
        Assert.Equal(["m1", "m2", "m3"], (await BatchAsync(alice, "chathistory #hist")).Select(Text));
        await alice.SendAsync($"CHATHISTORY AFTER #hist timestamp={sent[1].Time} 3");
        Assert.Equal(["m3", "m4", "m5"], (await BatchAsync(alice, "chathistory #hist")).Select(Text));
        await alice.SendAsync($"CHATHISTORY AFTER #hist msgid={sent[4].MsgId} 3");
        Assert.Equal(["m6"], (await BatchAsync(alice, "chathistory #hist")).Select(Text));
        await alice.SendAsync($"CHATHISTORY AROUND #hist msgid={sent[2].MsgId} 3");
        Assert.Equal(["m2", "m3", "m4"], (await BatchAsync(alice, "chathistory #hist")).Select(Text));
        await alice.SendAsync($"CHATHISTORY BETWEEN #hist msgid={sent[5].MsgId} msgid={sent[0].MsgId} 2");
        Assert.Equal(["m4", "m5"], (await BatchAsync(alice, "chathistory #hist")).Select(Text));
        await alice.SendAsync($"CHATHISTORY BETWEEN #hist timestamp={sent[0].Time} timestamp={sent[5].Time} 10");
        Assert.Equal(["m2", "m3", "m4", "m5"], (await BatchAsync(alice, "chathistory #hist")).Select(Text));
        await alice.SendAsync("CHATHISTORY TARGETS timestamp=2031-01-01T00:00:00.000Z timestamp=2032-01-01T00:00:00.000Z 10");
        var targets = await BatchAsync(alice, "draft/chathistory-targets");
        Assert.Single(targets, l => l.EndsWith($" CHATHISTORY TARGETS #hist timestamp={sent[5].Time}"));
    }

    [Fact]
    public async Task A_labeled_CHATHISTORY_nests_its_batch_in_the_labeled_response_batch()
    {
        var (server, alice, _) = await SixMessagesAsync();
        await using var _1 = server;
        await using var _2 = alice;

        await alice.SendAsync("@label=h1 CHATHISTORY LATEST #hist * 2");
        var outer = await alice.NextAsync(l => l.StartsWith("@label=h1 "));
        var outerId = BatchStart().Match(outer).Groups[1].Value;
        Assert.EndsWith(" labeled-response", outer);
        var inner = await alice.NextAsync(l => l.Contains(" BATCH +"));
        Assert.Matches($"^@batch={outerId} :parley BATCH \\+[A-Za-z0-9-]+ chathistory #hist$", inner);
        await alice.NextAsync(l => l == $":parley BATCH -{outerId}");
    }

    [Fact]
    public async Task Bad_requests_get_FAIL_replies_and_the_connection_stays()
    {
        var (server, alice, _) = await SixMessagesAsync();
        await using var _1 = server;
        await using var _2 = alice;

        await alice.SendAsync("CHATHISTORY SIDEWAYS #hist * 10");
        Assert.EndsWith(" FAIL CHATHISTORY INVALID_PARAMS SIDEWAYS :Unknown subcommand", await alice.NextAsync(l => l.Contains(" FAIL ")));
        await alice.SendAsync("CHATHISTORY BEFORE #hist yesterday 10");
        Assert.Contains(" FAIL CHATHISTORY INVALID_PARAMS BEFORE yesterday :", await alice.NextAsync(l => l.Contains(" FAIL ")));
        await alice.SendAsync("CHATHISTORY LATEST #hist * none");
        Assert.Contains(" FAIL CHATHISTORY INVALID_PARAMS LATEST none :", await alice.NextAsync(l => l.Contains(" FAIL ")));
        await alice.SendAsync("CHATHISTORY LATEST #nowhere * 10");
        Assert.Contains(" FAIL CHATHISTORY INVALID_TARGET LATEST #nowhere :", await alice.NextAsync(l => l.Contains(" FAIL ")));
        await alice.SendAsync("CHATHISTORY AFTER #hist msgid=0000000000000000000000000000000 10");
        Assert.Empty(await BatchAsync(alice, "chathistory #hist"));
        await alice.SendAsync("PING still-here");
        await alice.NextAsync(l => l.EndsWith(":still-here"));
    }

    /// <summary>The lines of the next batch of this type and parameters.</summary>
    private static async Task<List<string>> BatchAsync(IrcClient client, string typeAndParams)
    {
        var start = await client.NextAsync(l => l.Contains(" BATCH +") && l.EndsWith(" " + typeAndParams));
        var id = BatchStart().Match(start).Groups[1].Value;
        var end = await client.NextAsync(l => l.EndsWith($" BATCH -{id}"));
        var lines = client.Lines.ToList();
        var from = lines.LastIndexOf(start);
        var inside = lines.Skip(from + 1).Take(lines.LastIndexOf(end) - from - 1).ToList();
        Assert.All(inside, l => Assert.StartsWith($"@batch={id}", l));
        return inside;
    }

    private static string Text(string line) => line[(line.LastIndexOf(" :", StringComparison.Ordinal) + 2)..];

    private static Dictionary<string, string> Tags(string line) =>
        line[1..line.IndexOf(' ')].Split(';').Select(t => t.Split('=', 2)).ToDictionary(t => t[0], t => t.Length > 1 ? t[1] : "");

    [GeneratedRegex(@"BATCH \+([A-Za-z0-9-]+)")]
    private static partial Regex BatchStart();
}
