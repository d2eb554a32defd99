namespace Parley.Core.Model;

/// <summary>
/// A ban: a mask, who set it and when. The mask is matched against the user's name, ignoring case,
/// with '*' and '?' wildcards; in IRC's form <c>nick!user@host</c> only the nick part counts
/// (Parley shows every user at the same host, so the other parts cannot tell users apart).
/// </summary>
public sealed record RoomBan(string Mask, string By, DateTimeOffset At)
{
    /// <remarks>Checked on every send by a member without a voice: the nick part is a slice, not a split.</remarks>
    public bool Matches(string userName)
    {
        var bang = Mask.IndexOf('!');
        return Glob.Matches(bang < 0 ? Mask : Mask.AsSpan(0, bang), userName);
    }
}
