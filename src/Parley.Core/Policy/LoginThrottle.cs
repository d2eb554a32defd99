namespace Parley.Core.Policy;

/// <summary>
/// Slows password guessing per user name, whether or not the user exists (so it reveals nothing).
/// After N failures each further failure doubles a refusal period. Memory is bounded: entries
/// expire, and the table is pruned when it grows past <see cref="MaxEntries"/>.
/// An attempt counts as a failure from the moment it begins (<see cref="TryBegin"/>), before its
/// slow password check, and <see cref="Succeeded"/> forgives it: so attempts made in parallel are
/// counted as they start and cannot all slip past the limit while the first ones are being checked.
/// </summary>
public sealed class LoginThrottle(TimeProvider time, ChatLimits limits)
{
    private const int MaxEntries = 100_000;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Null when an attempt may go ahead, else how long the caller must wait.</summary>
    public TimeSpan? RetryAfter(string userKey)
    {
        lock (_gate)
            return Wait(userKey, Now());
    }

    /// <summary>
    /// Null when an attempt may go ahead, and then it is already counted as failed until
    /// <see cref="Succeeded"/>; else how long the caller must wait (and nothing is counted).
    /// </summary>
    public TimeSpan? TryBegin(string userKey)
    {
        var now = Now();
        lock (_gate)
        {
            if (Wait(userKey, now) is { } wait)
                return wait;
            Count(userKey, now);
            return null;
        }
    }

    /// <summary>Counts a failure after the fact (an attempt not begun with <see cref="TryBegin"/>).</summary>
    public void Failed(string userKey)
    {
        var now = Now();
        lock (_gate)
            Count(userKey, now);
    }

    private TimeSpan? Wait(string userKey, TimeSpan now)
    {
        if (!_entries.TryGetValue(userKey, out var entry))
            return null;
        var wait = entry.BlockedUntil - now;
        return wait > TimeSpan.Zero ? wait : null;
    }

    private void Count(string userKey, TimeSpan now)
    {
        if (_entries.Count >= MaxEntries)
            Prune(now);
        _entries.TryGetValue(userKey, out var entry);
        var failures = entry.Failures + 1;
        var blockedUntil = now;
        var over = failures - limits.LoginFailuresBeforeThrottle;
        if (over >= 0)
        {
            var seconds = limits.LoginThrottleBase.TotalSeconds * Math.Pow(2, Math.Min(over, 20));
            blockedUntil = now + TimeSpan.FromSeconds(Math.Min(seconds, limits.LoginThrottleMax.TotalSeconds));
        }
        _entries[userKey] = new Entry(failures, blockedUntil, now);
    }

    public void Succeeded(string userKey)
    {
        lock (_gate)
            _entries.Remove(userKey);
    }

    private void Prune(TimeSpan now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (now - entry.LastFailure > limits.LoginThrottleMax)
                _entries.Remove(key);
        }
        // Under a spray of distinct names nothing may be old enough; start over rather than grow.
        if (_entries.Count >= MaxEntries)
            _entries.Clear();
    }

    private readonly record struct Entry(int Failures, TimeSpan BlockedUntil, TimeSpan LastFailure);

    /// <summary>
    /// The monotonic clock, not the wall clock: a wall clock stepped back an hour would otherwise
    /// hold a throttled name for an hour longer (docs/reliability.md, "Clock jumps").
    /// </summary>
    private TimeSpan Now() => time.GetElapsedTime(0);
}
