using System.Net;
using System.Net.Sockets;

namespace Parley.Tests.Support;

public static class FreePort
{
    /// <summary>A loopback TCP port free right now, for a server that must come back on the same port.</summary>
    public static int Tcp()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
