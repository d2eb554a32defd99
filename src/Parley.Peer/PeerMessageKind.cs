namespace Parley.Peer;

/// <summary>What a datagram says. On the wire: "msg" and "left" (docs/p2p.md).</summary>
public enum PeerMessageKind
{
    /// <summary>A line typed by the sender.</summary>
    Message,

    /// <summary>The sender has ended its session ("bye", "/quit", end of input or Ctrl-C).</summary>
    Left,
}
