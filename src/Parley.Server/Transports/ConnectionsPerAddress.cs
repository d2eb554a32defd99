using System.Net;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Protocol;
using Parley.Server.Hosting;

namespace Parley.Server.Transports;

/// <summary>
/// Counts the open connections of each network address, over every wire together, and refuses one
/// past <see cref="ConnectionOptions.PerAddress"/>. Connections Kestrel accepts (HTTP and WebSocket,
/// HTTPS, tcp+tls, irc+tls) are counted as they are accepted, before any TLS handshake or HTTP
/// request (<see cref="ConnectionsPerAddressMiddleware"/>), until they close; sessions on Parley's own
/// TCP and IRC listeners are counted as they open (<see cref="AddressAdmission.CountSession"/>: the two
/// session factories ask here), until they finish. A refused session is closed as it opens, so its
/// wire's goodbye says why (native and WebSocket: <c>bye</c> <c>too_many_connections</c>; IRC:
/// <c>ERROR :Closing link: too_many_connections</c>); a refused TLS connection is closed before its
/// handshake, which would cost the server more than anything it could say. Loopback is exempt when
/// <see cref="ConnectionOptions.ExemptLoopback"/>. Addresses are counted by <see cref="ClientAddress.Key"/>
/// (IPv4 mapped into IPv6 as IPv4, IPv6 by its /64). A trusted proxy's connection on an HTTP listener
/// is not counted itself: the WebSocket sessions and requests it carries are, by the address it
/// forwards (<see cref="AddressAdmission.Proxied"/>, <see cref="TrustedProxies"/>).
/// </summary>
public sealed class ConnectionsPerAddress
{
    private readonly ConnectionOptions _options;
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    // One delegate for every counted session, rather than a closure each.
    private readonly Action<QueuedSession> _release;

    public ConnectionsPerAddress(ParleyOptions options)
    {
        _options = options.Connections;
        _release = session => Release(ClientAddress.Key(session.RemoteAddress!));
    }

    /// <summary>
    /// Counts <paramref name="session"/> against its address until it finishes, or closes it at once
    /// when the address has its fill; as the transport says (<paramref name="admission"/>) when it
    /// counted the session's connection itself.
    /// </summary>
    public void Admit(QueuedSession session, AddressAdmission admission = AddressAdmission.CountSession)
    {
        switch (admission)
        {
            case AddressAdmission.Admitted:
                return;
            case AddressAdmission.Refused:
                session.Close(ByeReasons.TooManyConnections);
                return;
        }
        if (TryOpen(session.RemoteAddress, out var key) is false)
        {
            session.Close(ByeReasons.TooManyConnections);
            return;
        }
        if (key is not null)
            session.Finished += _release;
    }

    /// <summary>
    /// Counts a connection from <paramref name="address"/>: false when the address has its fill;
    /// true with the <paramref name="key"/> to give <see cref="Release"/> when it closes, or with
    /// a null key when it is not counted (no address, no limit, exempt loopback).
    /// </summary>
    public bool TryOpen(string? address, out string? key)
    {
        key = null;
        if (address is null || _options.PerAddress <= 0 || (_options.ExemptLoopback && ClientAddress.IsLoopback(address)))
            return true;
        var counted = ClientAddress.Key(address);
        lock (_gate)
        {
            var open = _open.GetValueOrDefault(counted);
            if (open >= _options.PerAddress)
                return false;
            _open[counted] = open + 1;
        }
        key = counted;
        return true;
    }

    /// <summary>The connections counted for <paramref name="address"/> now.</summary>
    internal int OpenFrom(IPAddress address)
    {
        lock (_gate)
            return _open.GetValueOrDefault(ClientAddress.Key(address.ToString()));
    }

    /// <summary>Lets go of a place <see cref="TryOpen"/> counted.</summary>
    public void Release(string address)
    {
        lock (_gate)
        {
            var open = _open.GetValueOrDefault(address) - 1;
            if (open > 0)
                _open[address] = open;
            else
                _open.Remove(address);
        }
    }
}
