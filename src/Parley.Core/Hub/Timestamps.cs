namespace Parley.Core.Hub;

/// <summary>
/// The time the hub stamps on what it stores (accounts, tokens, rooms, messages).
///
/// Concurrency: stateless.
/// </summary>
internal static class Timestamps
{
    public static DateTimeOffset Now(TimeProvider time)
    {
        // Timestamps go out with millisecond precision; keep the stored value the same.
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }
}
