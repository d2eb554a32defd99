namespace Parley.Core.Model;

/// <summary>
/// How far a user has read one conversation: the last message read (<paramref name="Seq"/>, 0 for
/// none) and, for protocols that mark by time (IRC's read-marker), when.
/// </summary>
/// <param name="Time">
/// The later of the last time marked and the time of message <paramref name="Seq"/>; null when
/// neither is known (nothing read, nothing marked by time).
/// </param>
public sealed record ReadMark(long Seq, DateTimeOffset? Time)
{
    public static readonly ReadMark None = new(0, null);
}
