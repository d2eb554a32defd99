using Microsoft.Extensions.Time.Testing;
using Parley.Core.Policy;

namespace Parley.Tests.Core;

public sealed class AddressThrottleTests
{
    private readonly FakeTimeProvider _clock = new();

    private AddressThrottle Throttle(double failures, double perMinute = 10) =>
        new(_clock, new ChatLimits { AddressLoginFailures = failures, AddressLoginFailuresPerMinute = perMinute, ExemptLoopback = true });

    [Fact]
    public void An_ipv4_client_counts_the_same_whether_it_arrives_mapped_into_ipv6_or_not()
    {
        var throttle = Throttle(2);
        Assert.True(throttle.TryBegin("203.0.113.7"));
        Assert.True(throttle.TryBegin("::ffff:203.0.113.7"));
        Assert.False(throttle.TryBegin("203.0.113.7"));
        Assert.False(throttle.TryBegin("::ffff:203.0.113.7"));
        Assert.True(throttle.TryBegin("203.0.113.8"));
    }

    [Fact]
    public void An_ipv6_client_counts_by_its_64_bit_prefix()
    {
        var throttle = Throttle(2);
        Assert.True(throttle.TryBegin("2001:db8:1:2::1"));
        Assert.True(throttle.TryBegin("2001:db8:1:2::2"));
        Assert.False(throttle.TryBegin("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        Assert.True(throttle.TryBegin("2001:db8:1:3::1"));
    }

    [Fact]
    public void Loopback_mapped_into_ipv6_is_exempt_too()
    {
        var throttle = Throttle(1);
        for (var i = 0; i < 5; i++)
            Assert.True(throttle.TryBegin("::ffff:127.0.0.1"));
    }

    [Fact]
    public void A_full_table_drops_the_buckets_that_have_refilled_and_keeps_an_empty_one()
    {
        var throttle = Throttle(3, perMinute: 1);
        for (var i = 0; i < 3; i++)
            Assert.True(throttle.TryBegin("198.51.100.1"));
        Assert.False(throttle.TryBegin("198.51.100.1"));
        // The table's bound (100,000 addresses), each with one token taken.
        for (var i = 1; i < 100_000; i++)
            throttle.TryBegin($"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}");

        // A minute on, the others have their token back; the first has one of its three.
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(throttle.TryBegin("192.0.2.1"));
        Assert.True(throttle.TryBegin("198.51.100.1"));
        Assert.False(throttle.TryBegin("198.51.100.1"));
    }
}
