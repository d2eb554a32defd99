using System.Net;

namespace Parley.Core.Policy;

/// <summary>
/// Failed logins per network address: each failure takes a token from the address's bucket
/// (<see cref="ChatLimits.AddressLoginFailures"/> at once, refilled at
/// <see cref="ChatLimits.AddressLoginFailuresPerMinute"/>), and while it is empty every login from
/// there is refused before its password is checked. Beside the per-name throttle
/// (<see cref="LoginThrottle"/>), which one address spraying many names never trips. Loopback
/// addresses are exempt when <see cref="ChatLimits.ExemptLoopback"/> (tests, benches, and a proxy
/// on the same host, whose clients all arrive from loopback). Memory is bounded as LoginThrottle's.
/// </summary>
public sealed class AddressThrottle(TimeProvider time, ChatLimits limits)
{
    private const int MaxEntries = 100_000;

    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    private double PerSecond => limits.AddressLoginFailuresPerMinute / 60;

    /// <summary>True when logins from <paramref name="address"/> are refused for now.</summary>
    public bool IsBlocked(string? address)
    {
        if (!Applies(address))
            return false;
        lock (_gate)
        {
            // A copy: looking must not take a token.
            return _buckets.TryGetValue(address!, out var bucket) && !bucket.TryTake(time, limits.AddressLoginFailures, PerSecond);
        }
    }

    public void Failed(string? address)
    {
        if (!Applies(address))
            return;
        lock (_gate)
        {
            if (_buckets.Count >= MaxEntries && !_buckets.ContainsKey(address!))
                _buckets.Clear();
            ref var bucket = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_buckets, address!, out _);
            bucket.TryTake(time, limits.AddressLoginFailures, PerSecond);
        }
    }

    private bool Applies(string? address) =>
        address is not null && limits.AddressLoginFailures > 0 && !(limits.ExemptLoopback && IsLoopback(address));

    /// <summary>127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6.</summary>
    public static bool IsLoopback(string address) =>
        IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
}
