using System.Buffers;
using System.Text;
using Parley.Core.Events;
using Parley.Core.Model;
using Parley.Protocol.Irc;

namespace Parley.Tests.Irc;

/// <summary>The IRC codec, the tag filter and the event encoder, on bytes.</summary>
public sealed class IrcCodecTests
{
    private static IrcMessage Parse(string line)
    {
        Assert.Equal(IrcParseStatus.Ok, IrcCodec.TryParse(Encoding.UTF8.GetBytes(line), out var message));
        return message!;
    }

    private static IrcParseStatus Status(byte[] line) => IrcCodec.TryParse(line, out _);

    [Fact]
    public void Parses_tags_prefix_command_and_trailing()
    {
        var m = Parse(@"@time=2024-01-01T00:00:00.000Z;+draft/x=a\sb\:c;flag :nick!u@h privmsg #lobby :hello there :)");
        Assert.Equal("2024-01-01T00:00:00.000Z", m.Tags["time"]);
        Assert.Equal("a b;c", m.Tags["+draft/x"]);
        Assert.Equal("", m.Tags["flag"]);
        Assert.Equal("nick!u@h", m.Prefix);
        Assert.Equal("PRIVMSG", m.Command);
        Assert.Equal(["#lobby", "hello there :)"], m.Params);
    }

    [Fact]
    public void Parses_middle_params_extra_spaces_and_empty_trailing()
    {
        var m = Parse("USER  alice 0 *   :");
        Assert.Equal("USER", m.Command);
        Assert.Equal(["alice", "0", "*", ""], m.Params);
        Assert.Null(m.Prefix);
        Assert.Empty(m.Tags);
        Assert.Equal(["x"], Parse("PING x\r").Params);
    }

    [Fact]
    public void Empty_and_malformed_lines()
    {
        Assert.Equal(IrcParseStatus.Empty, Status("   "u8.ToArray()));
        Assert.Equal(IrcParseStatus.Malformed, Status("@a=b"u8.ToArray()));
        Assert.Equal(IrcParseStatus.Malformed, Status(":prefix-only"u8.ToArray()));
        Assert.Equal(IrcParseStatus.Malformed, Status(":prefix "u8.ToArray()));
    }

    [Fact]
    public void Invalid_utf8_is_refused_but_read_so_that_the_reply_can_name_the_command()
    {
        Assert.Equal(IrcParseStatus.InvalidUtf8, IrcCodec.TryParse([.. "PRIVMSG #a :caf"u8, 0xE9], out var message));
        Assert.Equal(("PRIVMSG", "caf\uFFFD"), (message!.Command, message.Params[1]));
        Assert.Equal(IrcParseStatus.InvalidUtf8, IrcCodec.TryParse([.. "@a="u8, 0xFF, .. " PING x"u8], out message));
        Assert.Equal(IrcParseStatus.Ok, IrcCodec.TryParse("PRIVMSG #a :café 🎉"u8, out _));
    }

    [Fact]
    public void Limits_are_510_bytes_without_tags_and_4096_for_tags()
    {
        var body = "PRIVMSG #a :" + new string('x', 510 - 12);
        Assert.Equal(510, body.Length);
        Assert.Equal(IrcParseStatus.Ok, Status(Encoding.ASCII.GetBytes(body)));
        Assert.Equal(IrcParseStatus.TooLong, Status(Encoding.ASCII.GetBytes(body + "x")));

        var tags = "@" + new string('t', 4094) + " "; // 4096 bytes with '@' and the space
        Assert.Equal(IrcParseStatus.Ok, Status(Encoding.ASCII.GetBytes(tags + body)));
        Assert.Equal(IrcParseStatus.TooLong, Status(Encoding.ASCII.GetBytes("@t" + tags[1..] + body)));
    }

    [Fact]
    public void Serializes_with_trailing_only_when_needed()
    {
        Assert.Equal(":s 001 bob :Welcome here", new IrcMessage("s", "001", "bob", "Welcome here").ToString());
        Assert.Equal("JOIN #lobby", new IrcMessage(null, "JOIN", "#lobby").ToString());
        Assert.Equal("PRIVMSG #a ::)", new IrcMessage(null, "PRIVMSG", "#a", ":)").ToString());
        Assert.Equal("TOPIC #a :", new IrcMessage(null, "TOPIC", "#a", "").ToString());
        Assert.Equal("PRIVMSG #a :hi", new IrcMessage(null, "PRIVMSG", "#a", "hi") { Trailing = true }.ToString());
        Assert.Throws<ArgumentException>(() => new IrcMessage(null, "X", "a b", "c").ToString());
        var tagged = new IrcMessage(new Dictionary<string, string> { ["k"] = "a b;c" }, null, "X", ["y"]);
        Assert.Equal(@"@k=a\sb\:c X y", tagged.ToString());
        Assert.Equal("a b;c", Parse(tagged.ToString()).Tags["k"]);
    }

    [Theory]
    [InlineData(IrcTagFilter.All, "@time=T;msgid=M :a PRIVMSG #x :hi\r\n")]
    [InlineData(IrcTagFilter.TimeOnly, "@time=T :a PRIVMSG #x :hi\r\n")]
    [InlineData(IrcTagFilter.None, ":a PRIVMSG #x :hi\r\n")]
    public void Tag_filter_cuts_per_line(IrcTagFilter filter, string expected)
    {
        var encoded = "@time=T;msgid=M :a PRIVMSG #x :hi\r\n@time=T :a PRIVMSG #x :hi\r\n:s JOIN #x\r\n"u8;
        var output = new ArrayBufferWriter<byte>();
        IrcTags.Copy(encoded, filter, output);
        var second = filter == IrcTagFilter.None ? ":a PRIVMSG #x :hi\r\n" : "@time=T :a PRIVMSG #x :hi\r\n";
        Assert.Equal(expected + second + ":s JOIN #x\r\n", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Theory]
    [InlineData(IrcTagFilter.Label | IrcTagFilter.Batch, "@label=L;batch=B :a PRIVMSG #x :hi\r\n")]
    [InlineData(IrcTagFilter.Time | IrcTagFilter.Batch, "@batch=B;time=T :a PRIVMSG #x :hi\r\n")]
    [InlineData(IrcTagFilter.Label, "@label=L :a PRIVMSG #x :hi\r\n")]
    public void Tag_filter_keeps_the_tags_of_each_negotiated_cap(IrcTagFilter filter, string expected)
    {
        var output = new ArrayBufferWriter<byte>();
        IrcTags.Copy("@label=L;batch=B;time=T;msgid=M :a PRIVMSG #x :hi\r\n"u8, filter, output);
        Assert.Equal(expected, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void A_label_or_batch_tag_goes_first_on_every_line_and_a_nested_batch_keeps_its_own()
    {
        var frame = Encoding.UTF8.GetBytes(":s BATCH +in chathistory #x\r\n@batch=in;time=T :a PRIVMSG #x :hi\r\n:s BATCH -in\r\n");
        Assert.Equal(
            "@batch=out :s BATCH +in chathistory #x\r\n@batch=in;time=T :a PRIVMSG #x :hi\r\n@batch=out :s BATCH -in\r\n",
            Encoding.UTF8.GetString(IrcLabeledReplies.WithTag(frame, "batch=out")));
        Assert.Equal("@label=L;time=T :a X\r\n", Encoding.UTF8.GetString(IrcLabeledReplies.WithTag("@time=T :a X\r\n"u8.ToArray(), "label=L")));
    }

    private static readonly DateTimeOffset Ts = new(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);

    [Fact]
    public void Encodes_a_multi_line_message_as_one_privmsg_per_line()
    {
        var message = new StoredMessage("m1", "r:lobby", 3, Ts, "alice", "lobby", null, "one\ntwo\r\n\nthree");
        var text = Encoding.UTF8.GetString(new IrcEventEncoder().Encode(new MessageEvent(message)));
        Assert.Equal(
            "@time=2024-05-06T07:08:09.123Z;msgid=m1 :alice!alice@parley PRIVMSG #lobby :one\r\n"
            + "@time=2024-05-06T07:08:09.123Z :alice!alice@parley PRIVMSG #lobby :two\r\n"
            + "@time=2024-05-06T07:08:09.123Z :alice!alice@parley PRIVMSG #lobby :three\r\n", text);
    }

    [Fact]
    public void Encodes_a_long_message_in_pieces_an_irc_client_could_have_sent_without_splitting_characters()
    {
        var text = string.Concat(Enumerable.Repeat("é😀 ", 400));
        var message = new StoredMessage("m1", "d:a:b", 1, Ts, "alice", null, "bob", text);
        var lines = Encoding.UTF8.GetString(new IrcEventEncoder().Encode(new MessageEvent(message)))
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 1);
        var rebuilt = new StringBuilder();
        foreach (var line in lines)
        {
            // Each piece is what an IRC client could send: "PRIVMSG bob text" in 512 bytes.
            const string Command = " PRIVMSG bob :";
            var piece = line[(line.IndexOf(Command, StringComparison.Ordinal) + Command.Length)..];
            Assert.True(Encoding.UTF8.GetByteCount($"PRIVMSG bob {piece}\r\n") <= 512, $"{Encoding.UTF8.GetByteCount(piece)} bytes");
            rebuilt.Append(piece);
        }
        Assert.Equal(text, rebuilt.ToString());

        // What an IRC client sent in one line arrives in one line, whatever the source's length.
        var longest = new string('a', 512 - "PRIVMSG bob \r\n".Length);
        var whole = new StoredMessage("m2", "d:a:b", 2, Ts, "a-rather-long-nick-name", null, "bob", longest);
        var relayed = Encoding.UTF8.GetString(new IrcEventEncoder().Encode(new MessageEvent(whole)));
        Assert.EndsWith($" :a-rather-long-nick-name!a-rather-long-nick-name@parley PRIVMSG bob :{longest}\r\n", relayed);
        Assert.Single(relayed.Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Encodes_membership_topic_bye_and_skips_presence()
    {
        var encoder = new IrcEventEncoder();
        string Enc(ChatEvent e) => Encoding.UTF8.GetString(encoder.Encode(e));
        Assert.Equal(1, encoder.Slot);
        Assert.Equal(":bob!bob@parley JOIN #lobby\r\n", Enc(new MembershipEvent("lobby", "bob", true)));
        Assert.Equal(":bob!bob@parley PART #lobby\r\n", Enc(new MembershipEvent("lobby", "bob", false)));
        Assert.Equal(":bob!bob@parley TOPIC #lobby :new topic\r\n", Enc(new TopicEvent("lobby", "new topic", "bob")));
        Assert.Equal("ERROR :Closing link: shutdown\r\n", Enc(new ByeEvent("shutdown")));
        Assert.Empty(encoder.Encode(new PresenceEvent("bob", true)));
        Assert.Empty(encoder.Encode(new ReadEvent("lobby", null, 3)));
    }
}
