using System.Globalization;

namespace Parley.Protocol.Irc;

/// <summary>About the server: LUSERS, TIME, VERSION, INFO.</summary>
internal static partial class IrcCommands
{
    /// <summary>The user counts (every protocol's users; +i counts IRC users here), channels, operators, in the Modern forms.</summary>
    private static void SendLusers(IrcSession s)
    {
        var total = s.Hub.Online().Value!.Count;
        var stats = s.Info.Stats;
        var max = stats.SeenUsers(total);
        var invisible = Math.Min(stats.Invisible, total);
        s.Numeric(IrcNumerics.LuserClient, $"There are {total - invisible} users and {invisible} invisible on 1 servers");
        s.Numeric(IrcNumerics.LuserOp, stats.Operators.ToString(CultureInfo.InvariantCulture), "operator(s) online");
        s.Numeric(IrcNumerics.LuserChannels, s.Hub.Rooms(s).Value!.Count.ToString(CultureInfo.InvariantCulture), "channels formed");
        s.Numeric(IrcNumerics.LuserMe, $"I have {total} clients and 0 servers");
        // The counts in the text only: Modern IRC makes the number parameters optional, and tools
        // that parse them (irctest) take "max" for the peak since they connected, not since the start.
        s.Numeric(IrcNumerics.LocalUsers, $"Current local users {total}, max {max}");
        s.Numeric(IrcNumerics.GlobalUsers, $"Current global users {total}, max {max}");
    }

    /// <summary>LINKS: one server, this one (the nodes of a Redis cluster are one IRC server to their clients), in RFC 2812's form.</summary>
    private static Task Links(IrcSession s, IrcMessage m)
    {
        s.Numeric(IrcNumerics.Links, s.Info.ServerName, s.Info.ServerName, $"0 {s.Info.Description}");
        s.Numeric(IrcNumerics.EndOfLinks, "*", "End of /LINKS list");
        return Task.CompletedTask;
    }

    private static Task Time(IrcSession s, IrcMessage m)
    {
        var now = s.Time.GetUtcNow();
        s.Numeric(IrcNumerics.Time, s.Info.ServerName, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), "0",
            now.ToString("dddd MMMM dd yyyy -- HH:mm:ss +00:00", CultureInfo.InvariantCulture));
        return Task.CompletedTask;
    }

    private static Task Version(IrcSession s, IrcMessage m)
    {
        s.Numeric(IrcNumerics.Version, IrcServerInfo.Version, s.Info.ServerName, "Parley chat server, IRC gateway");
        SendISupport(s);
        return Task.CompletedTask;
    }

    private static Task Info(IrcSession s, IrcMessage m)
    {
        s.Numeric(IrcNumerics.Info, $"Parley {IrcServerInfo.Version}: one chat server for its native protocol, the web and IRC.");
        s.Numeric(IrcNumerics.Info, $"This server started {s.Info.Started.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC.");
        s.Numeric(IrcNumerics.EndOfInfo, "End of INFO list");
        return Task.CompletedTask;
    }
}
