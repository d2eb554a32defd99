using System.Net;
using System.Net.Sockets;

namespace Parley.Server.Hosting;

/// <summary>
/// A listener could not take its address. The message is one line naming the listener and the
/// address, for `parley serve` to print as it is.
/// </summary>
public sealed class ListenerBindException(string transport, IPEndPoint endpoint, SocketException error)
    : IOException(Describe(transport, endpoint, error), error)
{
    public SocketError Error { get; } = error.SocketErrorCode;

    private static string Describe(string transport, IPEndPoint endpoint, SocketException error) => error.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => $"{transport} {endpoint} is already in use",
        SocketError.AddressNotAvailable => $"{transport} {endpoint}: no interface of this machine has that address",
        SocketError.AccessDenied => $"{transport} {endpoint}: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)",
        _ => $"{transport} {endpoint} cannot be bound: {error.Message}",
    };

    /// <summary>
    /// Which of Kestrel's listeners failed to bind: Kestrel's message names the address
    /// ("Failed to bind to address https://127.0.0.1:8443"); the first listener, if none matches.
    /// </summary>
    public static (string Name, IPEndPoint Endpoint)? WhichFailed(Exception exception, IReadOnlyList<(string Name, IPEndPoint Endpoint)> listeners)
    {
        foreach (var listener in listeners)
        {
            for (var e = exception; e is not null; e = e.InnerException)
            {
                if (listener.Endpoint.Port != 0 && e.Message.Contains($":{listener.Endpoint.Port}", StringComparison.Ordinal))
                    return listener;
            }
        }
        return listeners.Count > 0 ? listeners[0] : null;
    }

    /// <summary>The socket error somewhere inside what a listener threw (Kestrel wraps it twice), or null.</summary>
    public static SocketException? FindSocketError(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
                return socket;
        }
        return null;
    }
}
