namespace Parley.Server.Transports.Sockets;

/// <summary>What <see cref="EpollReadiness"/> tells when a watched socket has input, or its input ended.</summary>
internal interface IReadinessTarget
{
    /// <param name="peerHungUp">The event says the peer closed its side or reset the connection.</param>
    void InputReady(bool peerHungUp);
}
