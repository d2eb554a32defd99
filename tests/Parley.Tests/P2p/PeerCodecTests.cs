using System.Text;
using Parley.Peer;

namespace Parley.Tests.P2p;

/// <summary>The p2p datagram codec, on bytes: what it writes, what it accepts, and why it refuses the rest.</summary>
public sealed class PeerCodecTests
{
    [Fact]
    public void Writes_the_documented_format()
    {
        Assert.True(PeerCodec.TryEncode(PeerMessage.Say("alice", "hi"), out var message, out _));
        Assert.Equal("""{"v":1,"kind":"msg","name":"alice","text":"hi"}""", Encoding.UTF8.GetString(message));
        Assert.True(PeerCodec.TryEncode(PeerMessage.Left("alice"), out var left, out _));
        Assert.Equal("""{"v":1,"kind":"left","name":"alice"}""", Encoding.UTF8.GetString(left));
    }

    [Theory]
    [InlineData("alice", "hello")]
    [InlineData("Zoë", "naïve café, 東京, emoji 🎉 and a ZWJ family 👨‍👩‍👧")]
    [InlineData("a \"quoted\" name", "back\\slash, \"quotes\", tab\tand\nnewline, ESC \u001b[2J")]
    [InlineData("bob", "")]
    public void Round_trips_a_message(string name, string text)
    {
        Assert.True(PeerCodec.TryEncode(PeerMessage.Say(name, text), out var datagram, out var error), error);
        Assert.True(PeerCodec.TryDecode(datagram, out var decoded, out error), error);
        Assert.Equal(PeerMessage.Say(name, text), decoded);
    }

    [Fact]
    public void Round_trips_a_left_notice()
    {
        Assert.True(PeerCodec.TryEncode(PeerMessage.Left("alice"), out var datagram, out _));
        Assert.True(PeerCodec.TryDecode(datagram, out var decoded, out var error), error);
        Assert.Equal(PeerMessageKind.Left, decoded.Kind);
        Assert.Equal("alice", decoded.Name);
        Assert.Equal("", decoded.Text);
    }

    [Fact]
    public void Non_ascii_text_is_sent_as_utf8_not_escapes()
    {
        Assert.True(PeerCodec.TryEncode(PeerMessage.Say("a", "é東"), out var datagram, out _));
        Assert.Contains("\"text\":\"é東\"", Encoding.UTF8.GetString(datagram));
    }

    [Fact]
    public void A_message_of_exactly_the_limit_is_sent_and_one_byte_more_is_refused()
    {
        var overhead = Encoded(PeerMessage.Say("alice", "")).Length;
        var fits = PeerMessage.Say("alice", new string('x', PeerCodec.MaxDatagramBytes - overhead));
        Assert.Equal(PeerCodec.MaxDatagramBytes, Encoded(fits).Length);
        Assert.True(PeerCodec.TryDecode(Encoded(fits), out _, out _));

        var tooBig = fits with { Text = fits.Text + "x" };
        Assert.False(PeerCodec.TryEncode(tooBig, out var datagram, out var error));
        Assert.Null(datagram);
        Assert.Equal($"too large: {PeerCodec.MaxDatagramBytes + 1} bytes as a datagram, the limit is 8192", error);
    }

    [Fact]
    public void The_limit_counts_encoded_bytes_not_characters()
    {
        // 3,000 characters of three UTF-8 bytes each: 9,000 bytes.
        Assert.False(PeerCodec.TryEncode(PeerMessage.Say("alice", new string('東', 3000)), out _, out var error));
        Assert.StartsWith("too large: ", error);
    }

    [Fact]
    public void Refuses_to_encode_a_bad_name_or_invalid_unicode()
    {
        Assert.False(PeerCodec.TryEncode(PeerMessage.Say("", "hi"), out _, out var error));
        Assert.Equal("the name is empty", error);
        Assert.False(PeerCodec.TryEncode(PeerMessage.Say(new string('n', 65), "hi"), out _, out error));
        Assert.Equal("the name is longer than 64 characters", error);
        Assert.False(PeerCodec.TryEncode(PeerMessage.Say("alice", "lone \ud800 surrogate"), out _, out error));
        Assert.Equal("the text is not valid Unicode", error);
    }

    [Theory]
    [InlineData("", "empty datagram")]
    [InlineData("hello", "not valid JSON (or cut short)")]
    [InlineData("""{"v":1,"kind":"msg","name":"alice","text":"hel""", "not valid JSON (or cut short)")]
    [InlineData("""{"v":1,"kind":"msg","name":"alice","text":"hello"}{}""", "not valid JSON (or cut short)")]
    [InlineData("""{"v":1,"kind":"msg","name":"alice","text":"hi",}""", "not valid JSON (or cut short)")]
    [InlineData("""["v",1]""", "not a JSON object")]
    [InlineData("\"hello\"", "not a JSON object")]
    [InlineData("""{"kind":"msg","name":"alice","text":"hi"}""", "missing \"v\"")]
    [InlineData("""{"v":"1","kind":"msg","name":"alice","text":"hi"}""", "\"v\" is not an integer")]
    [InlineData("""{"v":2,"kind":"msg","name":"alice","text":"hi"}""", "unsupported version 2 (this peer speaks version 1)")]
    [InlineData("""{"v":1,"name":"alice","text":"hi"}""", "missing \"kind\"")]
    [InlineData("""{"v":1,"kind":"shout","name":"alice","text":"hi"}""", "unknown kind \"shout\"")]
    [InlineData("""{"v":1,"kind":"msg","text":"hi"}""", "missing \"name\"")]
    [InlineData("""{"v":1,"kind":"msg","name":7,"text":"hi"}""", "\"name\" is not a string")]
    [InlineData("""{"v":1,"kind":"msg","name":"","text":"hi"}""", "the name is empty")]
    [InlineData("""{"v":1,"kind":"msg","name":"alice"}""", "missing \"text\"")]
    [InlineData("""{"v":1,"kind":"msg","name":"alice","text":null}""", "\"text\" is not a string")]
    [InlineData("""{"v":1,"kind":"msg","name":"alice","name":"bob","text":"hi"}""", "duplicate \"name\"")]
    [InlineData("""{"v":1,"kind":"msg","name":"alice","text":"\ud800"}""", "a string is not valid Unicode")]
    public void Reports_a_malformed_datagram(string datagram, string expected)
    {
        Assert.False(PeerCodec.TryDecode(Encoding.UTF8.GetBytes(datagram), out var message, out var error));
        Assert.Null(message);
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x7B, 0x7D })]                  // not UTF-8 at all
    [InlineData(new byte[] { 0x7B, 0x22, 0xC0, 0x80, 0x22, 0x7D })]      // overlong encoding of NUL
    [InlineData(new byte[] { 0x7B, 0x22, 0xE6, 0x9D, 0x22, 0x7D })]      // a three-byte sequence cut short
    [InlineData(new byte[] { 0x7B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D })] // an encoded surrogate
    public void Reports_bytes_that_are_not_utf8(byte[] datagram)
    {
        Assert.False(PeerCodec.TryDecode(datagram, out _, out var error));
        Assert.Equal("not valid UTF-8", error);
    }

    [Fact]
    public void Reports_a_datagram_over_the_limit_even_if_well_formed()
    {
        var json = $$"""{"v":1,"kind":"msg","name":"alice","text":"{{new string('x', 9000)}}"}""";
        Assert.False(PeerCodec.TryDecode(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.Equal("larger than the 8192-byte limit", error);
    }

    [Fact]
    public void Reports_a_message_cut_at_every_position()
    {
        var whole = Encoded(PeerMessage.Say("alice", "hello, 東京"));
        for (var length = 0; length < whole.Length; length++)
            Assert.False(PeerCodec.TryDecode(whole.AsSpan(0, length), out _, out _), $"accepted the first {length} bytes");
    }

    [Fact]
    public void Ignores_unknown_properties_and_a_text_on_left()
    {
        var datagram = Encoding.UTF8.GetBytes("""{"colour":{"r":[1,2]},"v":1,"kind":"left","name":"alice","text":"ignored","x":null}""");
        Assert.True(PeerCodec.TryDecode(datagram, out var message, out var error), error);
        Assert.Equal(PeerMessage.Left("alice"), message);
    }

    [Fact]
    public void Accepts_whitespace_around_and_inside_the_object()
    {
        var datagram = Encoding.UTF8.GetBytes(" { \"v\" : 1 ,\n \"kind\" : \"msg\" , \"name\" : \"a\" , \"text\" : \"b\" }\n");
        Assert.True(PeerCodec.TryDecode(datagram, out var message, out var error), error);
        Assert.Equal(PeerMessage.Say("a", "b"), message);
    }

    [Fact]
    public void Keeps_control_characters_in_decoded_text_for_the_renderer_to_neutralise()
    {
        var datagram = Encoding.UTF8.GetBytes("""{"v":1,"kind":"msg","name":"\u001b]0;pwned\u0007","text":"\u001b[2Jgone"}""");
        Assert.True(PeerCodec.TryDecode(datagram, out var message, out _));
        Assert.Equal("\u001b]0;pwned\u0007", message.Name);
        Assert.Equal("\u001b[2Jgone", message.Text);
    }

    private static byte[] Encoded(PeerMessage message)
    {
        Assert.True(PeerCodec.TryEncode(message, out var datagram, out var error), error);
        return datagram;
    }
}
