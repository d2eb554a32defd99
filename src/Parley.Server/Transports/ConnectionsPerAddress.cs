using System.Net;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Protocol;
using Parley.Server.Hosting;

namespace Parley.Server.Transports;

/// <summary>
/// Counts the open connections of each network address, over every wire together (native TCP,
/// WebSocket, IRC: their sessions are all made by the two session factories, which ask here), and
/// refuses one past <see cref="ConnectionOptions.PerAddress"/>: the session is closed as it opens,
/// so its wire's goodbye says why (native and WebSocket: <c>bye</c> <c>too_many_connections</c>;
/// IRC: <c>ERROR :Closing link: too_many_connections</c>). A counted session is let go when it
/// finishes. Loopback is exempt when <see cref="ConnectionOptions.ExemptLoopback"/>. Addresses are
/// counted by <see cref="ClientAddress.Key"/> (IPv4 mapped into IPv6 as IPv4, IPv6 by its /64).
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

    /// <summary>Counts <paramref name="session"/> against its address until it finishes, or closes it at once when the address has its fill.</summary>
    public void Admit(QueuedSession session)
    {
        if (session.RemoteAddress is not { } address || _options.PerAddress <= 0
            || (_options.ExemptLoopback && ClientAddress.IsLoopback(address)))
            return;
        var key = ClientAddress.Key(address);
        lock (_gate)
        {
            var open = _open.GetValueOrDefault(key);
            if (open >= _options.PerAddress)
            {
                session.Close(ByeReasons.TooManyConnections);
                return;
            }
            _open[key] = open + 1;
        }
        session.Finished += _release;
    }

    /// <summary>The connections counted for <paramref name="address"/> now.</summary>
    internal int OpenFrom(IPAddress address)
    {
        lock (_gate)
            return _open.GetValueOrDefault(ClientAddress.Key(address.ToString()));
    }

    private void Release(string address)
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
