namespace Parley.Core.Policy;

/// <summary>
/// Per-connection request budget: up to <c>burst</c> requests at once, refilled at
/// <c>perSecond</c>. Used by one connection's reader only, so it takes no lock.
/// </summary>
public sealed class TokenBucket
{
    private readonly TimeProvider _time;
    private readonly double _burst;
    private readonly double _perSecond;
    private double _tokens;
    private long _last;

    public TokenBucket(TimeProvider time, double burst, double perSecond)
    {
        _time = time;
        _burst = burst;
        _perSecond = perSecond;
        _tokens = burst;
        _last = time.GetTimestamp();
    }

    public bool TryTake()
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(_burst, _tokens + _time.GetElapsedTime(_last, now).TotalSeconds * _perSecond);
        _last = now;
        if (_tokens < 1)
            return false;
        _tokens -= 1;
        return true;
    }
}
