using System.Net;
using System.Text;
using Parley.Peer;

namespace Parley.Tests.P2p;

/// <summary>What gets printed for received datagrams, and that a peer cannot drive the terminal with it.</summary>
public sealed class PeerRendererTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 3, 14, 3, 12, TimeSpan.FromHours(1));
    private static readonly IPEndPoint From = new(IPAddress.Loopback, 5001);

    [Fact]
    public void Prints_time_name_address_and_text()
    {
        Assert.Equal("14:03:12 alice (127.0.0.1:5001): hello", PeerRenderer.Message(At, PeerMessage.Say("alice", "hello"), From));
        Assert.Equal("14:03:12 alice (127.0.0.1:5001) left", PeerRenderer.Message(At, PeerMessage.Left("alice"), From));
    }

    [Fact]
    public void Prints_ipv6_and_ipv4_mapped_senders_as_users_write_them()
    {
        Assert.Equal("14:03:12 a ([::1]:5001): x", PeerRenderer.Message(At, PeerMessage.Say("a", "x"), new IPEndPoint(IPAddress.IPv6Loopback, 5001)));
        Assert.Equal("127.0.0.1:5001", PeerRenderer.Address(new IPEndPoint(IPAddress.Loopback.MapToIPv6(), 5001)));
    }

    [Fact]
    public void Prints_a_malformed_datagram_report()
    {
        Assert.Equal(
            "ignored malformed datagram from 127.0.0.1:5001 (37 bytes): not valid UTF-8",
            PeerRenderer.Malformed(From, 37, "not valid UTF-8"));
    }

    [Fact]
    public void Escape_sequences_in_a_received_name_and_text_are_shown_not_obeyed()
    {
        // Received as bytes, so this is exactly what a hostile peer can do.
        var datagram = Encoding.UTF8.GetBytes("""{"v":1,"kind":"msg","name":"\u001b]0;owned\u0007eve","text":"\u001b[2J\u001b[Hhi\r\n12:00:00 bob (127.0.0.1:9): fake\u009b31m"}""");
        Assert.True(PeerCodec.TryDecode(datagram, out var message, out _));

        var line = PeerRenderer.Message(At, message, From);

        Assert.Equal(@"14:03:12 \x1b]0;owned\x07eve (127.0.0.1:5001): \x1b[2J\x1b[Hhi\x0d\x0a12:00:00 bob (127.0.0.1:9): fake\x9b31m", line);
        Assert.DoesNotContain(line, c => char.IsControl(c));
    }

    [Fact]
    public void A_malformed_report_quoting_received_text_is_neutralised_too()
    {
        var datagram = Encoding.UTF8.GetBytes("""{"v":1,"kind":"\u001b[31m","name":"eve","text":"x"}""");
        Assert.False(PeerCodec.TryDecode(datagram, out _, out var error));
        var line = PeerRenderer.Malformed(From, datagram.Length, error);
        Assert.EndsWith(@"unknown kind ""\x1b[31m""", line);
    }

    [Theory]
    [InlineData("\u0000\u0007\u0008\t\u007f", @"\x00\x07\x08\x09\x7f")]
    [InlineData("\u0085\u009b\u009d", @"\x85\x9b\x9d")]
    [InlineData("abc\u202Eevil\u202Cdef", @"abc\u202eevil\u202cdef")]
    [InlineData("\u2066x\u2069\u200E\u200F\u061C", @"\u2066x\u2069\u200e\u200f\u061c")]
    [InlineData("line\u2028separator\u2029", @"line\u2028separator\u2029")]
    public void Neutralises_control_bidi_and_separator_characters(string text, string shown)
    {
        Assert.False(TerminalText.IsSafe(text));
        Assert.Equal(shown, TerminalText.Neutralise(text));
    }

    [Fact]
    public void Shows_a_lone_surrogate_as_the_replacement_character()
    {
        // Not an InlineData case: xunit's test-case serialisation would already have replaced it.
        var text = "lone \ud800 surrogate";
        Assert.False(TerminalText.IsSafe(text));
        Assert.Equal("lone \uFFFD surrogate", TerminalText.Neutralise(text));
    }

    [Theory]
    [InlineData("plain ascii, punctuation: {}[]\\\"'")]
    [InlineData("Zoë, 東京, Ελληνικά, עברית, العربية")]
    [InlineData("emoji 🎉 and a family 👨‍👩‍👧 joined by ZWJ")]
    [InlineData("a real U+FFFD: \uFFFD")]
    public void Leaves_ordinary_text_alone(string text)
    {
        Assert.True(TerminalText.IsSafe(text));
        Assert.Same(text, TerminalText.Neutralise(text));
    }
}
