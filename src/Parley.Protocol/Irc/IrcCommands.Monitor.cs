using System.Text;
using Parley.Core.Model;

namespace Parley.Protocol.Irc;

/// <summary>
/// MONITOR (IRCv3): a client's list of nicks it is told about when they come online or go
/// offline, on any node and whether or not it shares a channel with them; with extended-monitor
/// it also gets their AWAY and SETNAME (with away-notify, setname). The list lives in the hub
/// (<c>ChatHub.Watch</c>) and ends with the connection. And SETNAME (IRCv3 setname).
/// </summary>
internal static partial class IrcCommands
{
    /// <summary>The longest real name SETNAME takes, in UTF-8 bytes (ISUPPORT NAMELEN): it must fit in a WHOIS line.</summary>
    internal const int RealNameLength = 200;

    /// <summary>Lists of nicks in a 730–732 line stop growing past this many bytes, well inside 512 with the prefix.</summary>
    private const int MonitorLineBudget = 400;


    private static Task Monitor(IrcSession s, IrcMessage m)
    {
        var targets = m.Params.Count > 1 ? m.Params[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
        switch (m.Params[0])
        {
            case "+":
                if (targets.Length == 0)
                {
                    s.Numeric(IrcNumerics.NeedMoreParams, "MONITOR", "Not enough parameters");
                    break;
                }
                // A target is a nick, never a mask (MONITOR's privacy rule): anything else can never be online.
                foreach (var bad in targets.Where(t => !Core.Model.Names.IsValid(t)))
                    s.Numeric(IrcNumerics.ErroneousNickname, bad, "Erroneous nickname");
                var (watched, refused) = s.Hub.Watch(s, [.. targets.Where(Core.Model.Names.IsValid)]);
                SendMonitorStatus(s, watched);
                if (refused.Count > 0)
                    s.Numeric(IrcNumerics.MonListFull, s.Hub.Limits.MaxWatchedUsers.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        string.Join(',', refused), "Monitor list is full.");
                break;
            case "-":
                if (targets.Length == 0)
                    s.Numeric(IrcNumerics.NeedMoreParams, "MONITOR", "Not enough parameters");
                else
                    s.Hub.Unwatch(s, targets);
                break;
            case "C" or "c":
                s.Hub.ClearWatches(s);
                break;
            case "L" or "l":
                foreach (var line in CommaLines(s.Hub.Watched(s).Select(w => w.Name)))
                    s.Numeric(IrcNumerics.MonList, line);
                s.Numeric(IrcNumerics.EndOfMonList, "End of MONITOR list");
                break;
            case "S" or "s":
                SendMonitorStatus(s, s.Hub.Watched(s));
                break;
            default:
                s.Numeric(IrcNumerics.UnknownError, "MONITOR", m.Params[0], "Unknown MONITOR subcommand; use +, -, C, L or S");
                break;
        }
        return Task.CompletedTask;
    }

    /// <summary>730 for the names online (as <c>nick!user@host</c>, spelled as the user spells it), 731 for the others.</summary>
    private static void SendMonitorStatus(IrcSession s, IReadOnlyList<(string Name, string? Online)> names)
    {
        foreach (var line in CommaLines(names.Where(n => n.Online is not null).Select(n => IrcServerInfo.Source(n.Online!))))
            s.Numeric(IrcNumerics.MonOnline, line);
        foreach (var line in CommaLines(names.Where(n => n.Online is null).Select(n => n.Name)))
            s.Numeric(IrcNumerics.MonOffline, line);
    }

    /// <summary>A change told to a watcher: <c>730 me :nick!user@host</c> or <c>731 me :nick</c>.</summary>
    internal static IrcMessage MonitorLine(string server, string me, Core.Events.WatchEvent watch) =>
        new(server, watch.Online ? IrcNumerics.MonOnline : IrcNumerics.MonOffline, me, watch.Online ? IrcServerInfo.Source(watch.User) : watch.User) { Trailing = true };

    /// <summary>Comma-joined lists, each short enough for one line.</summary>
    private static IEnumerable<string> CommaLines(IEnumerable<string> items)
    {
        var line = new StringBuilder();
        foreach (var item in items)
        {
            if (line.Length > 0 && line.Length + 1 + item.Length > MonitorLineBudget)
            {
                yield return line.ToString();
                line.Clear();
            }
            if (line.Length > 0)
                line.Append(',');
            line.Append(item);
        }
        if (line.Length > 0)
            yield return line.ToString();
    }

    /// <summary>
    /// SETNAME :real name changes the real name WHO and WHOIS show for the user (all its sessions
    /// here). It, those sharing a channel with it and its extended-monitor watchers that negotiated
    /// setname get <c>:nick!user@host SETNAME :real name</c>; an empty, blank or too long one gets
    /// <c>FAIL SETNAME INVALID_REALNAME</c>.
    /// </summary>
    private static Task SetName(IrcSession s, IrcMessage m)
    {
        var realName = m.Params[0];
        if (BlankText.IsBlank(realName) || Encoding.UTF8.GetByteCount(realName) > RealNameLength)
        {
            s.FailReply("SETNAME", "INVALID_REALNAME", $"A real name must show something and be at most {RealNameLength} bytes");
            return Task.CompletedTask;
        }
        s.Hub.SetRealName(s, realName);
        return Task.CompletedTask;
    }
}
