using System.Net;

namespace Parley.Core.Policy;

/// <summary>
/// Failed logins per network address: each attempt takes a token from the address's bucket
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

    /// <summary>
    /// False when logins from <paramref name="address"/> are refused for now. True when the attempt
    /// may go ahead, and then it has already taken its token, before its slow password check (so
    /// attempts made in parallel cannot all pass while the first are being checked);
    /// <see cref="GiveBack"/> returns the token (a right password, or another check refused it).
    /// </summary>
    public bool TryBegin(string? address)
    {
        if (!Applies(address))
            return true;
        lock (_gate)
        {
            if (_buckets.Count >= MaxEntries && !_buckets.ContainsKey(address!))
                _buckets.Clear();
            ref var bucket = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_buckets, address!, out _);
            return bucket.TryTake(time, limits.AddressLoginFailures, PerSecond);
        }
    }

    /// <summary>The attempt did not fail after all: the token it took comes back.</summary>
    public void GiveBack(string? address)
    {
        if (!Applies(address))
            return;
        lock (_gate)
        {
            if (_buckets.ContainsKey(address!))
                System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_buckets, address!).Return();
        }
    }

    private bool Applies(string? address) =>
        address is not null && limits.AddressLoginFailures > 0 && !(limits.ExemptLoopback && IsLoopback(address));

    /// <summary>127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6.</summary>
    public static bool IsLoopback(string address) =>
        IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
}
