namespace Parley.Protocol.Irc;

/// <summary>What the IRC adapter tells clients about this server (settings IrcServerName, IrcNetwork, IrcMotd).</summary>
public sealed record IrcServerInfo(string ServerName, string Network, string Motd, DateTimeOffset Started)
{
    /// <summary>The host part of every user's source, <c>nick!nick@parley</c>: Parley does no reverse DNS.</summary>
    public const string UserHost = "parley";

    public const string Version = "parley-1";

    public static string Source(string nick) => $"{nick}!{nick}@{UserHost}";

    /// <summary>Rooms are channels: room "lobby" is "#lobby".</summary>
    public static string Channel(string room) => "#" + room;

    /// <summary>The room a channel name stands for, or null when it is not a channel name ('#' then a valid name).</summary>
    public static string? Room(string channel) =>
        channel.Length > 1 && channel[0] == '#' && Core.Model.Names.IsValid(channel[1..]) ? channel[1..] : null;
}
