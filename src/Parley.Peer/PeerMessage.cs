namespace Parley.Peer;

/// <summary>The content of one datagram. <see cref="Text"/> is empty for <see cref="PeerMessageKind.Left"/>.</summary>
public sealed record PeerMessage(PeerMessageKind Kind, string Name, string Text)
{
    public static PeerMessage Say(string name, string text) => new(PeerMessageKind.Message, name, text);

    public static PeerMessage Left(string name) => new(PeerMessageKind.Left, name, "");
}
