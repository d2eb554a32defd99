using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;
using Parley.Server.Hosting;

namespace Parley.Server.Transports;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> Parley believes (<c>Connections:TrustedProxies</c>:
/// addresses and CIDR networks; none by default). On the HTTP and HTTPS listeners, a connection
/// from one of them stands for whoever it forwards: the client address is the rightmost hop of
/// <c>X-Forwarded-For</c> that is not itself a trusted proxy (walking from the right while the hop
/// so far is trusted), so a client cannot choose its address by sending the header itself. The
/// Kestrel request pipeline applies this rule with ASP.NET Core's forwarded-headers middleware
/// (<see cref="ForwardedHeadersOptions"/>); a WebSocket opened by the upgrade
/// (<see cref="WebSocketShortcut"/>) never reaches that pipeline, so <see cref="ClientOf"/> applies
/// the same rule to the head it read (a test holds the two to the same answers).
/// </summary>
public sealed class TrustedProxies
{
    private readonly IPNetwork[] _networks;

    public TrustedProxies(ParleyOptions options)
        : this(options.Connections.TrustedProxies)
    {
    }

    /// <summary>Parses the entries (<c>10.0.0.5</c>, <c>10.0.0.0/8</c>, <c>::1</c>, <c>fd00::/8</c>); a bad one throws, naming it.</summary>
    public TrustedProxies(IEnumerable<string> entries) =>
        _networks = entries.Where(e => !string.IsNullOrWhiteSpace(e)).Select(Parse).ToArray();

    /// <summary>Whether any proxy is trusted (else headers are never read).</summary>
    public bool Any => _networks.Length > 0;

    public IReadOnlyList<IPNetwork> Networks => _networks;

    /// <summary>Whether <paramref name="address"/> is a trusted proxy (an IPv4 address mapped into IPv6 as its IPv4 too).</summary>
    public bool Trusts(IPAddress? address)
    {
        if (address is null)
            return false;
        if (address.IsIPv4MappedToIPv6 && Trusts(address.MapToIPv4()))
            return true;
        foreach (var network in _networks)
        {
            if (network.Contains(address))
                return true;
        }
        return false;
    }

    /// <summary>
    /// The client a connection from <paramref name="socket"/> stands for, given its request's
    /// <c>X-Forwarded-For</c>: the socket itself unless that is a trusted proxy; else, right to left,
    /// each hop while the one before it is trusted, stopping at a hop that does not parse as an
    /// address (as ASP.NET Core's forwarded-headers middleware does, with no forward limit).
    /// </summary>
    public IPEndPoint ClientOf(IPEndPoint socket, string? forwardedFor)
    {
        if (string.IsNullOrEmpty(forwardedFor) || !Trusts(socket.Address))
            return socket;
        var hops = forwardedFor.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var client = socket;
        for (var i = hops.Length - 1; i >= 0 && Trusts(client.Address); i--)
        {
            if (!IPEndPoint.TryParse(hops[i], out var hop))
                break;
            client = hop;
        }
        return client;
    }

    /// <summary>The forwarded-headers middleware's options for the same rule: X-Forwarded-For alone, these proxies alone, every hop.</summary>
    public ForwardedHeadersOptions MiddlewareOptions()
    {
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = null };
        // Its defaults trust loopback: here nothing is trusted unless the setting says so.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var network in _networks)
            options.KnownIPNetworks.Add(network);
        return options;
    }

    private static IPNetwork Parse(string entry)
    {
        var text = entry.Trim();
        if (IPAddress.TryParse(text, out var address) && !text.Contains('/'))
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        if (IPNetwork.TryParse(text, out var network))
            return network;
        throw new ArgumentException($"Connections:TrustedProxies: '{entry}' is not an address or a network (10.0.0.5, 10.0.0.0/8, fd00::/8)");
    }
}
