using System.Net.Sockets;

namespace Parley.Server.Transports.Sockets;

internal static class SocketExtensions
{
    /// <summary>Shuts down one or both directions; a socket already reset or disposed has nothing left to shut.</summary>
    public static void ShutdownQuietly(this Socket socket, SocketShutdown how)
    {
        try
        {
            socket.Shutdown(how);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }
}
