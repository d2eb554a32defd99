using Parley.Peer;

namespace Parley.Fuzz;

/// <summary>
/// One p2p datagram through <see cref="PeerCodec.TryDecode"/>: it decodes or names its fault, never
/// throws; a decoded message encodes again (unless escaping made it too large) and decodes to itself.
/// </summary>
public static class PeerTarget
{
    public static void Run(byte[] input)
    {
        if (!PeerCodec.TryDecode(input, out var message, out var error))
        {
            if (string.IsNullOrEmpty(error))
                throw new FuzzFailure("a refused datagram has no reason");
            return;
        }
        if (!PeerCodec.TryEncode(message, out var datagram, out error))
        {
            if (!error.StartsWith("too large", StringComparison.Ordinal))
                throw new FuzzFailure($"a decoded message does not encode: {error}");
            return;
        }
        if (!PeerCodec.TryDecode(datagram, out var again, out error) || again != message)
            throw new FuzzFailure($"a message does not decode to itself: {error ?? "different"}");
    }
}
