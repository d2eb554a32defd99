using System.Net;
using System.Net.Sockets;

namespace Parley.Cli.Soak;

/// <summary>Free loopback ports, picked once, so that a restarted process comes back where its clients look for it.</summary>
internal static class LocalPort
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
