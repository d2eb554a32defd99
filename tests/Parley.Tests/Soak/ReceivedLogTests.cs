using Parley.Cli.Soak;

namespace Parley.Tests.Soak;

/// <summary>What the soak counts against the server when a client receives: these are the checks that make a soak run fail.</summary>
public sealed class ReceivedLogTests
{
    [Fact]
    public void A_message_received_live_twice_is_a_duplicate_but_live_after_catch_up_is_not()
    {
        var log = new ReceivedLog();
        log.NewConnection();
        log.RecordCaughtUp("room:a", 1, "id1");
        log.RecordLive("room:a", 1, "id1");
        Assert.Equal(0, log.LiveDuplicates);
        log.RecordLive("room:a", 1, "id1");
        Assert.Equal(1, log.LiveDuplicates);
    }

    [Fact]
    public void Live_messages_out_of_seq_order_on_one_connection_are_counted_and_a_new_connection_starts_afresh()
    {
        var log = new ReceivedLog();
        log.NewConnection();
        log.RecordLive("room:a", 5, "id5");
        log.RecordLive("room:a", 4, "id4");
        Assert.Equal(1, log.OutOfOrder);
        log.NewConnection();
        log.RecordLive("room:a", 2, "id2");
        Assert.Equal(1, log.OutOfOrder);
    }

    [Fact]
    public void Has_tells_a_different_message_at_the_same_seq_and_counts_the_mismatch()
    {
        var log = new ReceivedLog();
        log.NewConnection();
        log.RecordLive("dm:a|b", 3, "first");
        Assert.True(log.Has("dm:a|b", 3, "first"));
        Assert.False(log.Has("dm:a|b", 3, "other"));
        Assert.False(log.Has("dm:a|b", 2, "first"));
        Assert.False(log.Has("room:x", 3, "first"));
        log.RecordCaughtUp("dm:a|b", 3, "other");
        Assert.Equal(1, log.MismatchedIds);
        Assert.Equal(3, log.Highest("dm:a|b"));
    }

    [Theory]
    [InlineData("@msgid=abc;time=2026-12-07T21:00:00.000Z :bob!bob@parley PRIVMSG #soak1 :hello there", "PRIVMSG", "hello there", "abc")]
    [InlineData("PING :parley", "PING", "parley", null)]
    [InlineData(":parley 001 irc0 :Welcome", "001", "Welcome", null)]
    public void Irc_lines_are_read_for_command_text_and_tags(string line, string command, string trailing, string? msgid)
    {
        var parsed = IrcLine.Parse(line);
        Assert.Equal(command, parsed.Command);
        Assert.Equal(trailing, parsed.Trailing);
        Assert.Equal(msgid, parsed.Tags.GetValueOrDefault("msgid"));
    }
}
