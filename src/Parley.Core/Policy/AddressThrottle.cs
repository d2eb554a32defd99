using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Parley.Core.Policy;

/// <summary>
/// Failed logins per network address: each attempt takes a token from the address's bucket
/// (<see cref="ChatLimits.AddressLoginFailures"/> at once, refilled at
/// <see cref="ChatLimits.AddressLoginFailuresPerMinute"/>), and while it is empty every login from
/// there is refused before its password is checked. Beside the per-name throttle
/// (<see cref="LoginThrottle"/>), which one address spraying many names never trips. Loopback
/// addresses are exempt when <see cref="ChatLimits.ExemptLoopback"/> (tests, benches, and a proxy
/// on the same host, whose clients all arrive from loopback). Addresses are counted by
/// <see cref="ClientAddress.Key"/> (IPv6 by its /64). Memory is bounded: past
/// <see cref="MaxEntries"/> addresses, buckets that have refilled (which hold nothing a new bucket
/// would not) are dropped.
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
        var key = ClientAddress.Key(address!);
        lock (_gate)
        {
            if (_buckets.Count >= MaxEntries && !_buckets.ContainsKey(key))
                Prune();
            ref var bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(_buckets, key, out _);
            return bucket.TryTake(time, limits.AddressLoginFailures, PerSecond);
        }
    }

    /// <summary>The attempt did not fail after all: the token it took comes back.</summary>
    public void GiveBack(string? address)
    {
        if (!Applies(address))
            return;
        var key = ClientAddress.Key(address!);
        lock (_gate)
        {
            ref var bucket = ref CollectionsMarshal.GetValueRefOrNullRef(_buckets, key);
            if (!Unsafe.IsNullRef(ref bucket))
                bucket.Return();
        }
    }

    private void Prune()
    {
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.IsFull(time, PerSecond))
                _buckets.Remove(key);
        }
        // Under a spray from more addresses than that, few have refilled: start over rather than
        // grow, or than scan the whole table again at each new address.
        if (_buckets.Count >= MaxEntries * 9 / 10)
            _buckets.Clear();
    }

    private bool Applies(string? address) =>
        address is not null && limits.AddressLoginFailures > 0 && !(limits.ExemptLoopback && ClientAddress.IsLoopback(address));
}
