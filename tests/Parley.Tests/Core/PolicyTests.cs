using Microsoft.Extensions.Time.Testing;
using Parley.Core.Policy;
using Parley.Tests.Support;

namespace Parley.Tests.Core;

public sealed class PolicyTests
{
    [Fact]
    public void Token_bucket_allows_a_burst_then_refills_at_its_rate()
    {
        var clock = new FakeTimeProvider();
        var bucket = new TokenBucket();
        bool TryTake() => bucket.TryTake(clock, burst: 3, perSecond: 2);
        Assert.True(TryTake());
        Assert.True(TryTake());
        Assert.True(TryTake());
        Assert.False(TryTake());

        clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(TryTake());
        clock.Advance(TimeSpan.FromMilliseconds(2));
        Assert.True(TryTake());
        Assert.False(TryTake());

        // Refill never exceeds the burst.
        clock.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 3; i++)
            Assert.True(TryTake());
        Assert.False(TryTake());
    }

    [Fact]
    public void Login_throttle_blocks_after_repeated_failures_with_doubling_waits()
    {
        var clock = new FakeTimeProvider();
        var limits = new ChatLimits { LoginFailuresBeforeThrottle = 3, LoginThrottleBase = TimeSpan.FromSeconds(2) };
        var throttle = new LoginThrottle(clock, limits);

        throttle.Failed("alice");
        throttle.Failed("alice");
        Assert.Null(throttle.RetryAfter("alice"));
        throttle.Failed("alice");
        Assert.Equal(TimeSpan.FromSeconds(2), throttle.RetryAfter("alice"));
        Assert.Null(throttle.RetryAfter("bob"));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(throttle.RetryAfter("alice"));
        throttle.Failed("alice");
        Assert.Equal(TimeSpan.FromSeconds(4), throttle.RetryAfter("alice"));

        throttle.Succeeded("alice");
        Assert.Null(throttle.RetryAfter("alice"));
    }

    [Fact]
    public void A_throttled_name_is_not_held_longer_when_the_wall_clock_is_stepped_back()
    {
        var clock = new SteppedClock();
        var throttle = new LoginThrottle(clock, new ChatLimits { LoginFailuresBeforeThrottle = 1, LoginThrottleBase = TimeSpan.FromSeconds(2) });
        throttle.Failed("alice");
        var before = throttle.RetryAfter("alice");
        Assert.NotNull(before);

        clock.Step(TimeSpan.FromHours(-1));
        var after = throttle.RetryAfter("alice");
        Assert.True(after is null || after <= before, $"the wait grew from {before} to {after}");
    }

    [Fact]
    public void Login_throttle_wait_is_capped()
    {
        var clock = new FakeTimeProvider();
        var limits = new ChatLimits { LoginFailuresBeforeThrottle = 1, LoginThrottleMax = TimeSpan.FromSeconds(30) };
        var throttle = new LoginThrottle(clock, limits);
        for (var i = 0; i < 50; i++)
            throttle.Failed("alice");
        Assert.Equal(TimeSpan.FromSeconds(30), throttle.RetryAfter("alice"));
    }
}
