using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Parley.Peer;

/// <summary>
/// Reads `--listen` and `--peer` values and resolves peers. A bare port listens on 127.0.0.1 only: a chat
/// port open to the whole network is something to ask for (<c>--listen 0.0.0.0:5000</c>), not a default.
/// </summary>
public static class PeerEndpoints
{
    /// <summary>PORT (on 127.0.0.1), or ADDR:PORT with an IP address or "localhost"; port 0 picks a free one.</summary>
    public static bool TryParseListen(string value, [NotNullWhen(true)] out IPEndPoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        error = null;
        var text = value.Trim();
        if (TryParsePort(text, out var bare))
        {
            if (bare is >= 0 and <= 65535)
                endpoint = new IPEndPoint(IPAddress.Loopback, bare);
        }
        else if (Split(text, out var host, out var port) && port is >= 0 and <= 65535)
        {
            if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
                endpoint = new IPEndPoint(IPAddress.Loopback, port);
            else if (IPAddress.TryParse(host, out var address))
                endpoint = new IPEndPoint(address, port);
        }
        if (endpoint is null)
            error = $"--listen: '{value}' is not PORT or ADDR:PORT (for example 5000, 127.0.0.1:5000, 0.0.0.0:5000 or [::1]:5000)";
        return endpoint is not null;
    }

    /// <summary>HOST:PORT, where HOST is a name or an IP address ([::1] for IPv6) and PORT is 1 to 65535.</summary>
    public static bool TryParsePeer(string value, [NotNullWhen(true)] out DnsEndPoint? peer, [NotNullWhen(false)] out string? error)
    {
        peer = null;
        error = null;
        if (Split(value.Trim(), out var host, out var port) && port is >= 1 and <= 65535 && host.Length > 0)
            peer = new DnsEndPoint(host, port);
        else
            error = $"--peer: '{value}' is not HOST:PORT (for example 127.0.0.1:5001, localhost:5001 or [::1]:5001)";
        return peer is not null;
    }

    /// <summary>
    /// The address to send to <paramref name="peer"/> from a socket bound to <paramref name="listen"/>: of the
    /// same address family (or either, for a dual-mode socket on [::]), and not off this machine when the
    /// socket is bound to loopback, since such a datagram could not leave it.
    /// </summary>
    public static async Task<(IPEndPoint? Endpoint, string? Error)> ResolveAsync(DnsEndPoint peer, IPEndPoint listen, CancellationToken cancellationToken)
    {
        IPAddress[] candidates;
        if (IPAddress.TryParse(peer.Host, out var literal))
            candidates = [literal];
        else
        {
            try
            {
                candidates = await Dns.GetHostAddressesAsync(peer.Host, cancellationToken);
            }
            catch (SocketException ex)
            {
                return (null, $"--peer: cannot resolve '{peer.Host}': {ex.Message}");
            }
        }

        var dualMode = listen.Address.Equals(IPAddress.IPv6Any);
        var address = candidates.FirstOrDefault(a => a.AddressFamily == listen.AddressFamily)
            ?? (dualMode ? candidates.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) : null);
        var shown = peer.Host.Contains(':') ? $"[{peer.Host}]:{peer.Port}" : $"{peer.Host}:{peer.Port}";
        if (address is null)
        {
            var family = listen.AddressFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
            return (null, $"--peer: {shown} has no {family} address, and --listen {listen} speaks only {family}");
        }
        if (IPAddress.IsLoopback(listen.Address) && !IPAddress.IsLoopback(address))
            return (null, $"--peer: {shown} is not on this machine, but --listen {listen} accepts only local peers; listen on 0.0.0.0:{(listen.Port == 0 ? "PORT" : listen.Port)} (or this machine's address) to chat across the network");
        return (new IPEndPoint(address, peer.Port), null);
    }

    private static bool Split(string text, out string host, out int port)
    {
        host = "";
        port = -1;
        var colon = text.LastIndexOf(':');
        if (colon < 0)
            return false;
        host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        else if (host.Contains(':'))
            return false; // an IPv6 address needs brackets: "[::1]:5000"
        return TryParsePort(text[(colon + 1)..], out port);
    }

    // Digits only: no sign, spaces or thousands separators.
    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port);
}
