using System.Net;
using System.Net.Sockets;

namespace Parley.Peer;

public sealed partial class PeerChat
{
    // The largest UDP payload fits, so an oversized datagram is received whole and reported with its real
    // size instead of being cut to fit (Linux) or failing the receive (Windows).
    private const int ReceiveBufferBytes = 65536;

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[ReceiveBufferBytes];
        EndPoint anyone = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, anyone, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused)
            {
                // An ICMP "port unreachable" for an earlier send, to a peer not started yet; Windows
                // reports it on the next receive. The peer may start later: keep going.
                continue;
            }

            var from = (IPEndPoint)received.RemoteEndPoint;
            var datagram = buffer.AsSpan(0, received.ReceivedBytes);
            WriteLine(PeerCodec.TryDecode(datagram, out var message, out var error)
                ? PeerRenderer.Message(_time.GetLocalNow(), message, from)
                : PeerRenderer.Malformed(from, datagram.Length, error));
        }
    }
}
