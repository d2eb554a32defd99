using System.Text;
using CsCheck;
using Parley.Protocol.Irc;

namespace Parley.Tests.Properties;

/// <summary><see cref="IrcCodec"/> and <see cref="IrcMessage"/>'s writer on random lines and random messages.</summary>
public sealed class IrcCodecProperties
{
    private static readonly Gen<string> Word = Gen.String[Gen.Char["abcXYZ019#&!@.-_[]{}|^"], 1, 12]
        .Where(w => w[0] != ':' && w[0] != '@');

    private static readonly Gen<string> Command = Gen.OneOf(
        Gen.String[Gen.Char['A', 'Z'], 1, 10],
        Gen.Int[0, 999].Select(n => n.ToString("000")));

    private static readonly Gen<string> TagKey = Gen.Select(Gen.Bool, Gen.String[Gen.Char["abcdef-./0123"], 1, 10], (client, key) => (client ? "+" : "") + key);

    /// <summary>A trailing parameter: any text but the line breaks the writer replaces.</summary>
    private static readonly Gen<string> Trailing = Gens.Text.Select(t => t.Replace("\r", "").Replace("\n", "").Replace("\0", ""));

    private static readonly Gen<IrcMessage> Message = Gen.Select(
        TagKey.Dictionary(Gens.Text)[0, 4],
        Gen.Bool,
        Word,
        Command,
        Word.Array[0, 5],
        Gen.Bool,
        Trailing,
        (tags, withPrefix, prefix, command, middle, withTrailing, trailing) =>
            new IrcMessage(tags, withPrefix ? prefix : null, command, withTrailing ? [.. middle, trailing] : middle) { Trailing = withTrailing });

    private static void AssertSame(IrcMessage expected, IrcMessage actual)
    {
        Assert.Equal(expected.Prefix, actual.Prefix);
        Assert.Equal(expected.Command, actual.Command);
        Assert.Equal(expected.Params, actual.Params);
        Assert.Equal(expected.Tags.OrderBy(t => t.Key, StringComparer.Ordinal), actual.Tags.OrderBy(t => t.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Arbitrary_bytes_never_throw_and_give_a_message_exactly_when_they_parse() =>
        Gen.Frequency((1, Gens.Bytes), (1, Gen.String[Gen.Char["@:; =\\ abAB\r\0é"], 0, 60].Select(Encoding.UTF8.GetBytes)))
            .Sample(bytes =>
            {
                var status = IrcCodec.TryParse(bytes, out var message);
                Assert.Equal(status is IrcParseStatus.Ok or IrcParseStatus.InvalidUtf8, message is not null);
            }, iter: 3000);

    [Fact]
    public void A_tag_value_unescapes_to_what_was_escaped() =>
        Gens.Text.Sample(value => Assert.Equal(value, IrcCodec.UnescapeTagValue(IrcCodec.EscapeTagValue(value))), iter: 2000);

    [Fact]
    public void An_escaped_tag_value_holds_no_separator() =>
        Gens.Text.Sample(value => Assert.True(IrcCodec.EscapeTagValue(value).AsSpan().IndexOfAny(" ;\r\n") < 0), iter: 2000);

    [Fact]
    public void A_written_message_parses_back_to_itself() =>
        Message.Sample(message =>
        {
            var bytes = message.ToBytes();
            Assert.Equal((byte)'\n', bytes[^1]);
            var status = IrcCodec.TryParse(bytes.AsSpan(0, bytes.Length - 2), out var parsed);
            if (status == IrcParseStatus.TooLong)
                return; // Random tags and text may pass 4096 + 512 bytes: refusing them is right.
            Assert.Equal(IrcParseStatus.Ok, status);
            AssertSame(message, parsed!);
        }, iter: 2000);

    [Fact]
    public void A_parsed_line_written_back_parses_to_the_same_message() =>
        Gen.String[Gen.Char["@:; =\\+abAB1#é"], 0, 60].Select(Encoding.UTF8.GetBytes).Sample(line =>
        {
            if (IrcCodec.TryParse(line, out var message) != IrcParseStatus.Ok)
                return;
            var written = message!.ToString();
            // A command after an empty tag section ("@ @X") may start with '@' (docs/reliability.md).
            if (message.Tags.Count == 0 && written.StartsWith('@'))
                return;
            Assert.Equal(IrcParseStatus.Ok, IrcCodec.TryParse(Encoding.UTF8.GetBytes(written), out var again));
            AssertSame(message, again!);
        }, iter: 3000);

    /// <summary>Found by the irc fuzz target: a tag with no key was kept, and wrote back as "@ ", which reads as no tags.</summary>
    [Theory]
    [InlineData("@= PING")]
    [InlineData("@=x;a=b :h PRIVMSG #c :hi")]
    [InlineData("@a=b;= :h R")]
    public void A_tag_without_a_key_is_dropped(string line)
    {
        Assert.Equal(IrcParseStatus.Ok, IrcCodec.TryParse(Encoding.UTF8.GetBytes(line), out var message));
        Assert.DoesNotContain("", message!.Tags.Keys);
        Assert.Equal(IrcParseStatus.Ok, IrcCodec.TryParse(Encoding.UTF8.GetBytes(message.ToString()), out var again));
        AssertSame(message, again!);
    }
}
