using Parley.Core.Model;

namespace Parley.Protocol.Irc;

/// <summary>WHO (with WHOX), WHOIS and WHOWAS.</summary>
internal static partial class IrcCommands
{
    /// <summary>
    /// WHO #channel lists its members, offline ones too (H here, G away or offline); WHO mask the online users whose
    /// nick matches ('*' and '?'), leaving out +i users who share no channel with the asker unless
    /// the mask is their plain nick. A
    /// comma list ("WHO #a,#b", as irssi sends) is answered mask by mask, each ended by its own 315.
    /// WHO mask %fields[,token] answers with WHOX's 354 instead of 352.
    /// </summary>
    private static Task Who(IrcSession s, IrcMessage m)
    {
        var masks = m.Params.Count > 0 && m.Params[0].Length > 0 ? m.Params[0].Split(',', StringSplitOptions.RemoveEmptyEntries) : ["*"];
        var whox = m.Params.Count > 1 && m.Params[1].Contains('%') ? m.Params[1][(m.Params[1].IndexOf('%') + 1)..] : null;
        foreach (var mask in masks)
            WhoOne(s, mask, whox);
        return Task.CompletedTask;
    }

    private static void WhoOne(IrcSession s, string mask, string? whox)
    {
        if (mask.StartsWith('#'))
        {
            var summary = IrcServerInfo.Room(mask) is { } room ? FindRoom(s, room) : null;
            if (summary is not null && s.Hub.Members(summary.Name).Value is { } list)
            {
                var roles = s.Hub.Moderation(summary.Name).Value?.Roles ?? new Dictionary<string, RoomRole>();
                foreach (var member in list)
                    WhoReply(s, IrcServerInfo.Channel(summary.Name), member.User, IrcModes.PrefixOf(roles.GetValueOrDefault(Core.Model.Names.Key(member.User))), whox);
            }
        }
        else
        {
            // A plain nick names its user, invisible or not; only a pattern respects +i.
            var pattern = mask == "0" || mask.AsSpan().IndexOfAny('*', '?') >= 0;
            foreach (var user in s.Hub.Online().Value!.Where(u => Glob.Matches(mask == "0" ? "*" : mask, u)))
            {
                var visible = !pattern || string.Equals(user, s.Nick, StringComparison.OrdinalIgnoreCase) || !Describe(s, user).Invisible
                    || s.Hub.SharedRooms(s.Nick, user).Count > 0;
                if (visible)
                    WhoReply(s, "*", user, "", whox);
            }
        }
        s.Numeric(IrcNumerics.EndOfWho, mask, "End of WHO list");
    }

    private static void WhoReply(IrcSession s, string channel, string user, string prefix, string? whox)
    {
        var who = Describe(s, user);
        var online = s.Hub.OnlineName(user) is not null;
        var flags = (online && s.Hub.AwayOf(user) is null ? "H" : "G") + (who.Oper ? "*" : "") + prefix + (IsBot(s, user) ? BotMode : "");
        if (whox is null)
        {
            s.Numeric(IrcNumerics.WhoReply, channel, who.Ident, IrcServerInfo.UserHost, s.Info.ServerName, user, flags, $"0 {who.RealName}");
            return;
        }
        // WHOX: the fields asked for, in WHOX's fixed order, after the token if 't' was asked.
        var parts = whox.Split(',');
        var fields = parts[0];
        var values = new List<string>();
        foreach (var field in "tcuihsnfdlaor")
        {
            if (!fields.Contains(field))
                continue;
            values.Add(field switch
            {
                't' => parts.Length > 1 ? parts[1] : "0",
                'c' => channel,
                'u' => who.Ident,
                'i' => "255.255.255.255",
                'h' => IrcServerInfo.UserHost,
                's' => s.Info.ServerName,
                'n' => user,
                'f' => flags,
                'd' => "0",
                'l' => "0",
                'a' => s.Hub.LocalSessions(user).Any(x => !x.IsGuest) ? user : "0",
                'o' => "n/a",
                _ => who.RealName,
            });
        }
        if (values.Count > 0)
            s.Send(new IrcMessage(s.Info.ServerName, IrcNumerics.WhoSpcRpl, [s.Nick, .. values]) { Trailing = fields.Contains('r') });
    }

    private static Task Whois(IrcSession s, IrcMessage m)
    {
        // WHOIS [server] nick: the nick is the last parameter.
        var nick = m.Params[^1];
        if (OnlineName(s, nick) is { } user)
        {
            var who = Describe(s, user);
            s.Numeric(IrcNumerics.WhoisUser, user, who.Ident, IrcServerInfo.UserHost, "*", who.RealName);
            var channels = s.Hub.Rooms(s).Value!
                .Select(r => (Room: r, Role: s.Hub.Moderation(r.Name).Value?.Roles.GetValueOrDefault(Core.Model.Names.Key(user)) ?? RoomRole.Member,
                    Member: s.Hub.Members(r.Name).Value?.Any(x => string.Equals(x.User, user, StringComparison.OrdinalIgnoreCase)) == true))
                .Where(r => r.Member)
                .Select(r => IrcModes.PrefixOf(r.Role) + IrcServerInfo.Channel(r.Room.Name))
                .ToList();
            if (channels.Count > 0)
                s.Numeric(IrcNumerics.WhoisChannels, user, string.Join(' ', channels));
            s.Numeric(IrcNumerics.WhoisServer, user, s.Info.ServerName, s.Info.Network);
            if (who.Oper)
                s.Numeric(IrcNumerics.WhoisOperator, user, "is an IRC operator");
            if (IsBot(s, user))
                s.Numeric(IrcNumerics.WhoisBot, user, $"is a bot on {s.Info.Network}");
            if (s.Hub.AwayOf(user) is { } away)
                s.Numeric(IrcNumerics.Away, user, away);
            s.Numeric(IrcNumerics.EndOfWhois, user, "End of /WHOIS list");
            return Task.CompletedTask;
        }
        s.Numeric(IrcNumerics.NoSuchNick, nick, "No such nick/channel");
        s.Numeric(IrcNumerics.EndOfWhois, nick, "End of /WHOIS list");
        return Task.CompletedTask;
    }

    /// <summary>WHOWAS nick [count]: the IRC users who went by that nick here, newest first (<see cref="IrcWhoWas"/>).</summary>
    private static Task WhoWas(IrcSession s, IrcMessage m)
    {
        var nick = m.Params[0];
        var count = m.Params.Count > 1 && int.TryParse(m.Params[1], out var n) && n > 0 ? n : int.MaxValue;
        var found = s.Info.WhoWas.Find(nick, count);
        if (found.Count == 0)
            s.Numeric(IrcNumerics.WasNoSuchNick, nick, "There was no such nickname");
        foreach (var entry in found)
        {
            s.Numeric(IrcNumerics.WhoWasUser, entry.Nick, entry.Ident, IrcServerInfo.UserHost, "*", entry.RealName);
            s.Numeric(IrcNumerics.WhoisServer, entry.Nick, s.Info.ServerName, entry.At.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }
        s.Numeric(IrcNumerics.EndOfWhoWas, nick, "End of WHOWAS");
        return Task.CompletedTask;
    }
}
