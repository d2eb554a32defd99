namespace Parley.Core.Policy;

/// <summary>
/// What users without an account (IRC clients that register with NICK/USER alone) may do.
/// Set by the host from the IrcGuests setting; docs/irc.md says what each allows.
/// </summary>
public enum GuestPolicy
{
    /// <summary>No guests: every client signs in with an account.</summary>
    Off,

    /// <summary>Guests join existing rooms and talk in them; no new rooms, no direct messages, no nick change.</summary>
    Limited,

    /// <summary>
    /// Classic IRC: guests also make channels (transient rooms, which live while they have members),
    /// message anyone online live (nothing of it is stored) and change their nick.
    /// </summary>
    Open,
}

public static class GuestPolicies
{
    /// <summary>Reads a setting: off, limited or open (true and false, the setting's old values, mean limited and off).</summary>
    public static GuestPolicy Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "off" or "false" => GuestPolicy.Off,
        "limited" or "true" or null or "" => GuestPolicy.Limited,
        "open" => GuestPolicy.Open,
        _ => throw new ArgumentException($"IrcGuests: '{value}' is not one of off, limited, open"),
    };
}
