namespace Parley.Core.Model;

/// <summary>
/// A ban: a mask, who set it and when, and when it ends (never when null). The mask is matched
/// against the user's name, ignoring case, with '*' and '?' wildcards; in IRC's form
/// <c>nick!user@host</c> only the nick part counts (Parley shows every user at the same host, so
/// the other parts cannot tell users apart). A native <c>ban</c> bans one user: its mask is the name.
/// </summary>
public sealed record RoomBan(string Mask, string By, DateTimeOffset At, DateTimeOffset? Until = null)
{
    /// <remarks>Checked on every send by a member without a voice: the nick part is a slice, not a split.</remarks>
    public bool Matches(string userName, DateTimeOffset now)
    {
        if (!InForce(now))
            return false;
        var bang = Mask.IndexOf('!');
        return Glob.Matches(bang < 0 ? Mask : Mask.AsSpan(0, bang), userName);
    }

    /// <summary>Not ended yet: no end, or an end after <paramref name="now"/>.</summary>
    public bool InForce(DateTimeOffset now) => !(Until <= now);
}

/// <summary>A member who may not speak in a room until <see cref="Until"/> (until unmuted when null), whatever its role; only the owner is never muted.</summary>
public sealed record RoomMute(string User, string By, DateTimeOffset At, DateTimeOffset? Until = null)
{
    public bool Holds(string userName, DateTimeOffset now) =>
        InForce(now) && string.Equals(User, userName, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc cref="RoomBan.InForce"/>
    public bool InForce(DateTimeOffset now) => !(Until <= now);
}
