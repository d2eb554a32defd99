namespace Parley.Protocol.Irc;

/// <summary>
/// The IRC gateway's settings (IrcServerName, IrcServerDescription, IrcNetwork, IrcMotd, IrcGuests,
/// IrcJoinHistory, IrcOperators) and the naming rules between Parley and IRC.
/// </summary>
public sealed record IrcServerInfo(string ServerName, string Network, string Motd, DateTimeOffset Started)
{
    /// <summary>The host part of every user's source, <c>nick!nick@parley</c>: Parley does no reverse DNS.</summary>
    public const string UserHost = "parley";

    public const string Version = "parley-1";

    /// <summary>The longest user name (USER's first parameter) kept, as ISUPPORT USERLEN says.</summary>
    public const int UserLength = 10;

    /// <summary>What LINKS says of the server.</summary>
    public string Description { get; init; } = "Parley chat server";

    /// <summary>Whether a client may register with NICK/USER alone, as a guest without an account.</summary>
    public bool AllowGuests { get; init; } = true;

    /// <summary>How many of a channel's latest messages a client is sent when it joins; 0 sends none.</summary>
    public int JoinHistory { get; init; } = 10;

    /// <summary>A client silent this long is sent a PING; silent as long again after it, it is closed. Zero sends none.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Who went by which nick here, for WHOWAS.</summary>
    public IrcWhoWas WhoWas { get; } = new();

    /// <summary>Counts for LUSERS.</summary>
    public IrcServerStats Stats { get; } = new();

    /// <summary>How messages' files are shown: a line each with its link; without it, name and size only.</summary>
    public AttachmentText? Attachments { get; init; }

    /// <summary>IRC operators: OPER name → password.</summary>
    public IReadOnlyDictionary<string, string> Operators { get; init; } = new Dictionary<string, string>();

    public static string Source(string nick) => $"{nick}!{nick}@{UserHost}";

    /// <summary>Rooms are channels: room "lobby" is "#lobby".</summary>
    public static string Channel(string room) => "#" + room;

    /// <summary>The room a channel name stands for, or null when it is not a channel name ('#' then a valid name).</summary>
    public static string? Room(string channel) =>
        channel.Length > 1 && channel[0] == '#' && Core.Model.Names.IsValid(channel[1..]) ? channel[1..] : null;
}
