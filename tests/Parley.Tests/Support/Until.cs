namespace Parley.Tests.Support;

/// <summary>Waits by polling a condition, never by a fixed sleep.</summary>
public static class Until
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting until {what}");
            await Task.Delay(10);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Waits until the wall clock is a millisecond later: messages of one millisecond in different
    /// conversations are ordered by conversation, not by when they were sent.
    /// </summary>
    public static Task NextMillisecondAsync()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return TrueAsync(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > now, "the clock moves on a millisecond");
    }
}
