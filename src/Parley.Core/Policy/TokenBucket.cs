namespace Parley.Core.Policy;

/// <summary>
/// Per-connection request budget: up to <c>burst</c> requests at once, refilled at
/// <c>perSecond</c>. A struct kept inside its session, holding only what changes (the rule comes
/// with each call from options every session shares): ten thousand idle connections carry two
/// each. The default value is a full bucket. Used by one connection's reader only: no lock.
/// </summary>
public struct TokenBucket
{
    // Tokens taken and not yet refilled, so that the default is full.
    private double _spent;
    private long _last;

    public bool TryTake(TimeProvider time, double burst, double perSecond)
    {
        var now = time.GetTimestamp();
        _spent = Math.Max(0, _spent - time.GetElapsedTime(_last, now).TotalSeconds * perSecond);
        _last = now;
        if (_spent + 1 > burst)
            return false;
        _spent += 1;
        return true;
    }

    /// <summary>Gives back a token taken by <see cref="TryTake"/> (never more than were taken).</summary>
    public void Return() => _spent = Math.Max(0, _spent - 1);

    /// <summary>True when every token taken has come back by now: the bucket is as good as a new one.</summary>
    public readonly bool IsFull(TimeProvider time, double perSecond) =>
        _spent <= time.GetElapsedTime(_last).TotalSeconds * perSecond;
}
