using System.Net;
using System.Net.Sockets;

namespace Parley.Core.Policy;

/// <summary>
/// What the per-address limits (<see cref="AddressThrottle"/>, the server's connections per
/// address) count a client's network address as. An IPv4 client of a dual-stack listener arrives as
/// <c>::ffff:a.b.c.d</c> and counts as <c>a.b.c.d</c>, the same client as over IPv4. An IPv6 client
/// counts by its /64: one home or host is usually given a whole /64, so counting single addresses
/// would give it 2^64 fresh limits.
/// </summary>
public static class ClientAddress
{
    /// <summary>The key a limit counts <paramref name="address"/> under; text that is not an address is its own key.</summary>
    public static string Key(string address)
    {
        if (!IPAddress.TryParse(address, out var ip))
            return address;
        if (ip.IsIPv4MappedToIPv6)
            return ip.MapToIPv4().ToString();
        if (ip.AddressFamily != AddressFamily.InterNetworkV6)
            return ip.ToString();
        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    /// <summary>127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6.</summary>
    public static bool IsLoopback(string address) =>
        IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
}
