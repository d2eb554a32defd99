using System.Text;
using CsCheck;
using Parley.Peer;

namespace Parley.Tests.Properties;

/// <summary><see cref="PeerCodec"/> on random datagrams and random messages.</summary>
public sealed class PeerCodecProperties
{
    private static readonly Gen<string> Name = Gens.Text.Where(n => n.Length is > 0 and <= PeerCodec.MaxNameLength);

    private static readonly Gen<PeerMessage> Message = Gen.Select(Gen.Bool, Name, Gens.Text,
        (left, name, text) => left ? PeerMessage.Left(name) : PeerMessage.Say(name, text));

    /// <summary>Datagrams that are often almost right: a valid one with a random field replaced or cut.</summary>
    private static readonly Gen<byte[]> NearDatagram = Gen.Select(
        Gen.OneOf("\"v\":1", "\"v\":2", "\"v\":1.5", "\"v\":\"1\"", "\"v\":1,\"v\":1"),
        Gen.OneOf("\"kind\":\"msg\"", "\"kind\":\"left\"", "\"kind\":7", "\"kind\":\"\\ud800\"", ""),
        Gen.OneOf("\"name\":\"alice\"", "\"name\":\"\"", "\"name\":null", "\"name\":\"\\udc00\"", $"\"name\":\"{new string('n', 65)}\""),
        Gen.OneOf("\"text\":\"hi\"", "\"text\":[1,{}]", "", "\"x\":{\"y\":[[[]]]}", "\"text\":\"a\\u0000\""),
        Gen.Int[0, 80],
        (v, kind, name, text, cut) =>
        {
            var json = Encoding.UTF8.GetBytes("{" + string.Join(",", new[] { v, kind, name, text }.Where(p => p.Length > 0)) + "}");
            return json[..Math.Max(0, json.Length - cut % 4)];
        });

    [Fact]
    public void Arbitrary_datagrams_decode_or_name_their_fault() =>
        Gen.Frequency((1, Gens.Bytes), (1, Gens.JsonIsh), (2, NearDatagram)).Sample(datagram =>
        {
            var decoded = PeerCodec.TryDecode(datagram, out var message, out var error);
            Assert.Equal(decoded, message is not null);
            Assert.Equal(decoded, string.IsNullOrEmpty(error));
        }, iter: 3000);

    [Fact]
    public void A_message_encodes_and_decodes_to_itself() =>
        Message.Sample(message =>
        {
            Assert.True(PeerCodec.TryEncode(message, out var datagram, out var error), error);
            Assert.True(datagram.Length <= PeerCodec.MaxDatagramBytes);
            Assert.True(PeerCodec.TryDecode(datagram, out var decoded, out error), error);
            Assert.Equal(message, decoded);
        }, iter: 2000);

    [Fact]
    public void A_decoded_datagram_encodes_again_to_an_equal_message() =>
        NearDatagram.Sample(datagram =>
        {
            if (!PeerCodec.TryDecode(datagram, out var message, out _))
                return;
            Assert.True(PeerCodec.TryEncode(message, out var again, out var error), error);
            Assert.True(PeerCodec.TryDecode(again, out var decoded, out error), error);
            Assert.Equal(message, decoded);
        }, iter: 1000);

    [Fact]
    public void Text_with_a_lone_surrogate_is_refused_before_sending() =>
        Gen.Select(Gens.Text, Gen.Char['\uD800', '\uDFFF'], Gens.Text).Sample((before, lone, after) =>
        {
            Assert.False(PeerCodec.TryEncode(PeerMessage.Say("alice", before + lone + after), out _, out var error));
            Assert.Equal("the text is not valid Unicode", error);
        }, iter: 500);
}
