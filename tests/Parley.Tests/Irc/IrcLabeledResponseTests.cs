using System.Text.RegularExpressions;
using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>batch and labeled-response against the real server over TCP: every reply to a labeled command carries its label, nothing else does.</summary>
public sealed partial class IrcLabeledResponseTests
{
    private static readonly string[] Labeled = ["batch", "labeled-response"];

    private static Task<TestServer> OpenServerAsync() => TestServer.StartAsync(new() { ["IrcGuests"] = "open" });

    [Fact]
    public async Task A_labeled_command_with_one_reply_gets_that_line_with_the_label()
    {
        await using var server = await OpenServerAsync();
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy", Labeled);

        await amy.SendAsync("@label=abc PING hello");
        var pong = await amy.NextAsync(l => IrcClient.Numeric(l) == "PONG");
        Assert.StartsWith("@label=abc :", pong);
        Assert.EndsWith(":hello", pong);
        Assert.True(amy.HasNo(l => IrcClient.Numeric(l) == "BATCH"));
    }

    [Fact]
    public async Task A_labeled_command_with_no_reply_gets_an_ACK_and_an_unknown_command_its_labeled_421()
    {
        await using var server = await OpenServerAsync();
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy", Labeled);

        await amy.SendAsync("@label=nothing PONG whatever");
        Assert.Equal("@label=nothing :parley ACK", await amy.NextAsync(l => IrcClient.Numeric(l) == "ACK"));
        await amy.SendAsync("@label=x\\sy NOSUCHCOMMAND");
        Assert.StartsWith("@label=x\\sy :parley 421 amy NOSUCHCOMMAND ", await amy.NumericAsync("421"));
    }

    [Fact]
    public async Task A_labeled_command_with_several_replies_gets_them_in_a_labeled_batch()
    {
        await using var server = await OpenServerAsync();
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy", Labeled);

        await amy.SendAsync("@label=join1 JOIN #batched");
        var start = await amy.NextAsync(l => IrcClient.Numeric(l) == "BATCH");
        var match = BatchStart().Match(start);
        Assert.True(match.Success, start);
        var id = match.Groups[1].Value;
        var end = await amy.NextAsync(l => l == $":parley BATCH -{id}");
        var lines = amy.Lines;
        var inside = lines.Skip(lines.ToList().IndexOf(start) + 1).TakeWhile(l => l != end).ToList();
        Assert.Contains($"@batch={id} :amy!amy@parley JOIN #batched", inside);
        Assert.Contains(inside, l => IrcClient.Numeric(l) == "353");
        Assert.Contains(inside, l => IrcClient.Numeric(l) == "366");
        Assert.All(inside, l => Assert.StartsWith($"@batch={id} ", l));
    }

    [Fact]
    public async Task A_labeled_PRIVMSG_is_echoed_with_its_label_to_the_sender_only_even_when_pipelined()
    {
        await using var server = await OpenServerAsync();
        string[] all = ["batch", "labeled-response", "echo-message", "message-tags", "server-time"];
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy", all);
        await using var bob = await IrcClient.GuestAsync(server.IrcPort, "bob", all);
        await amy.SendAsync("JOIN #talk");
        await amy.NumericAsync("366");
        await bob.SendAsync("JOIN #talk");
        await bob.NumericAsync("366");

        // Sent in one write: both run at once (PRIVMSG is pipelined), each keeps its own label.
        await amy.SendBytesAsync("@label=m1 PRIVMSG #talk :one\r\n@label=m2 PRIVMSG bob :two\r\nPING after\r\n"u8.ToArray());
        var one = await amy.NextAsync(l => l.EndsWith(" PRIVMSG #talk :one"));
        var two = await amy.NextAsync(l => l.EndsWith(" PRIVMSG bob :two"));
        Assert.Matches("^@label=m1;time=[^ ]+;msgid=[^ ]+ :amy!amy@parley PRIVMSG #talk :one$", one);
        Assert.Matches("^@label=m2;time=[^ ]+;msgid=[^ ]+ :amy!amy@parley PRIVMSG bob :two$", two);
        var pong = await amy.NextAsync(l => IrcClient.Numeric(l) == "PONG");
        Assert.DoesNotContain("label", pong);

        var seen = await bob.NextAsync(l => l.EndsWith(" PRIVMSG #talk :one"));
        Assert.DoesNotContain("label=", seen);
        Assert.DoesNotContain("label=", await bob.NextAsync(l => l.EndsWith(" PRIVMSG bob :two")));

        // A live message from someone else during a labeled command never takes its label.
        await bob.SendAsync("PRIVMSG #talk :from bob");
        var live = await amy.NextAsync(l => l.EndsWith(" PRIVMSG #talk :from bob"));
        Assert.DoesNotContain("label=", live);
    }

    [Fact]
    public async Task A_client_without_the_caps_gets_no_tags_and_a_label_it_sends_is_ignored()
    {
        await using var server = await OpenServerAsync();
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy", "batch", "labeled-response", "echo-message");
        await using var old = await IrcClient.GuestAsync(server.IrcPort, "old");
        await old.SendAsync("JOIN #plain");
        await old.NumericAsync("366");
        await amy.SendAsync("JOIN #plain");
        await amy.NumericAsync("366");

        await old.SendAsync("@label=ignored PING plain");
        Assert.Equal(":parley PONG parley :plain", await old.NextAsync(l => IrcClient.Numeric(l) == "PONG"));
        await amy.SendAsync("@label=l1 PRIVMSG #plain :hello");
        Assert.Equal(":amy!amy@parley PRIVMSG #plain :hello", await old.NextAsync(l => l.EndsWith(":hello")));
        // Without message-tags or server-time, amy's echo keeps the label and nothing else.
        Assert.Equal("@label=l1 :amy!amy@parley PRIVMSG #plain :hello", await amy.NextAsync(l => l.EndsWith(":hello")));
        Assert.DoesNotContain(old.Lines, l => l.StartsWith('@'));
    }

    [Fact]
    public async Task A_labeled_PRIVMSG_to_oneself_arrives_twice_and_only_the_echo_has_the_label()
    {
        await using var server = await OpenServerAsync();
        await using var amy = await IrcClient.GuestAsync(server.IrcPort, "amy", "batch", "labeled-response", "echo-message");

        await amy.SendAsync("@label=me PRIVMSG amy :note to self");
        await amy.SendAsync("PING done");
        await amy.NextAsync(l => IrcClient.Numeric(l) == "PONG");
        var copies = amy.Lines.Where(l => l.EndsWith(" PRIVMSG amy :note to self")).ToList();
        Assert.Equal(2, copies.Count);
        Assert.Single(copies, l => l.StartsWith("@label=me "));
    }

    [GeneratedRegex(@"^@label=join1 :parley BATCH \+([A-Za-z0-9-]+) labeled-response$")]
    private static partial Regex BatchStart();
}
