using Parley.Core.Model;

namespace Parley.Protocol.Irc;

/// <summary>Channel moderation: MODE (channel and user), KICK, INVITE, over the hub's one moderation model (<see cref="IrcModes"/>).</summary>
internal static partial class IrcCommands
{
    /// <summary>
    /// A comma list of channels gets one answer per channel, each with its own end numeric: irssi
    /// asks "MODE #a,#b" and "MODE #a,#b b" after joining several channels (its -querychans
    /// setting) and counts one reply per channel.
    /// </summary>
    private static async Task Mode(IrcSession s, IrcMessage m)
    {
        var target = m.Params[0];
        if (target.StartsWith('#'))
        {
            foreach (var channel in target.Split(',', StringSplitOptions.RemoveEmptyEntries))
                await ChannelModeAsync(s, m, channel).ConfigureAwait(false);
        }
        else
        {
            UserMode(s, m);
        }
    }

    private static async Task ChannelModeAsync(IrcSession s, IrcMessage m, string channel)
    {
        if (IrcServerInfo.Room(channel) is not { } room || FindRoom(s, room) is not { } summary)
        {
            s.Numeric(IrcNumerics.NoSuchChannel, channel, "No such channel");
            return;
        }
        var name = IrcServerInfo.Channel(summary.Name);
        var moderation = s.Hub.Moderation(summary.Name).Value!;
        if (m.Params.Count == 1)
        {
            s.Numeric(IrcNumerics.ChannelModeIs, [name, .. IrcModes.Current(moderation, summary.Joined)]);
            s.Send(new IrcMessage(s.Info.ServerName, IrcNumerics.CreationTime, s.Nick, name,
                summary.Created.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return;
        }
        var request = IrcModes.Parse(m.Params);
        foreach (var letter in request.Unknown)
            s.Numeric(IrcNumerics.UnknownMode, letter.ToString(), "is an unknown mode char to me");
        if (request.ListBans)
        {
            foreach (var ban in moderation.Bans)
                s.Numeric(IrcNumerics.BanList, name, ban.Mask, ban.By, ban.At.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            s.Numeric(IrcNumerics.EndOfBanList, name, "End of channel ban list");
        }
        if (request.MissingArgument)
            s.Numeric(IrcNumerics.NeedMoreParams, "MODE", "Not enough parameters");
        foreach (var (mode, parameter, reason) in request.Invalid)
            s.Numeric(IrcNumerics.InvalidModeParam, name, mode.ToString(), parameter, reason);
        if (request.Changes.Count == 0)
            return;
        var changed = await s.Hub.ChangeRoomAsync(s, summary.Name, request.Changes).ConfigureAwait(false);
        if (!changed.Ok)
        {
            // A nick no one online has is no such nick (401); one online, not in the channel, 441.
            var nick = request.Changes.FirstOrDefault(c => c.Setting == RoomSetting.Role)?.Value ?? "*";
            if (changed.Error!.Code == ErrorCodes.NotInRoom && s.Hub.OnlineName(nick) is null)
                s.Numeric(IrcNumerics.NoSuchNick, nick, "No such nick/channel");
            else if (changed.Error!.Code == ErrorCodes.NotInRoom)
                s.Numeric(IrcNumerics.UserNotInChannel, nick, name, "They aren't on that channel");
            else
                IrcErrors.Reply(s, changed.Error, "MODE", name);
        }
        // Those in the channel see the change through the hub; the sender is one of them.
    }

    /// <summary>A user's own modes: +i (invisible: hidden from WHO of those who share no channel), +w (receives WALLOPS) and +o (by OPER only).</summary>
    private static void UserMode(IrcSession s, IrcMessage m)
    {
        if (!string.Equals(m.Params[0], s.Nick, StringComparison.OrdinalIgnoreCase))
        {
            if (s.Hub.OnlineName(m.Params[0]) is null)
                s.Numeric(IrcNumerics.NoSuchNick, m.Params[0], "No such nick/channel");
            else
                s.Numeric(IrcNumerics.UsersDontMatch, "Can't change mode for other users");
            return;
        }
        if (m.Params.Count == 1)
        {
            s.Numeric(IrcNumerics.UModeIs, "+" + (s.Invisible ? "i" : "") + (s.IsOperator ? "o" : "") + (s.ReceivesWallops ? "w" : "") + (s.IsBot ? BotMode : ""));
            return;
        }
        var on = true;
        var applied = "";
        char? sign = null;
        foreach (var c in m.Params[1])
        {
            switch (c)
            {
                case '+': on = true; break;
                case '-': on = false; break;
                case 'i' when s.Invisible != on:
                    s.Invisible = on;
                    applied += (sign != (on ? '+' : '-') ? (sign = on ? '+' : '-').ToString() : "") + "i";
                    break;
                case 'w' when s.ReceivesWallops != on:
                    s.ReceivesWallops = on;
                    applied += (sign != (on ? '+' : '-') ? (sign = on ? '+' : '-').ToString() : "") + "w";
                    break;
                case 'B' when s.IsBot != on:
                    s.IsBot = on;
                    applied += (sign != (on ? '+' : '-') ? (sign = on ? '+' : '-').ToString() : "") + BotMode;
                    break;
                case 'o' when !on && s.IsOperator:
                    s.IsOperator = false;
                    applied += (sign != '-' ? (sign = '-').ToString() : "") + "o";
                    break;
                case 'i' or 'o' or 'w' or 'B':
                    break;
                default:
                    s.Numeric(IrcNumerics.UModeUnknownFlag, "Unknown MODE flag");
                    break;
            }
        }
        if (applied.Length > 0)
            s.Send(new IrcMessage(IrcServerInfo.Source(s.Nick), "MODE", s.Nick, applied));
    }

    /// <summary>
    /// KICK #channel nick[,nick] [:reason], or as many channels as nicks, paired in order; the
    /// reason defaults to the kicker's nick.
    /// </summary>
    private static async Task Kick(IrcSession s, IrcMessage m)
    {
        var reason = m.Params.Count > 2 && m.Params[2].Length > 0 ? m.Params[2] : s.Nick;
        var channels = m.Params[0].Split(',', StringSplitOptions.RemoveEmptyEntries);
        var nicks = m.Params[1].Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (channels.Length != 1 && channels.Length != nicks.Length)
        {
            s.Numeric(IrcNumerics.NeedMoreParams, "KICK", "Give one channel, or one per nick");
            return;
        }
        for (var i = 0; i < nicks.Length; i++)
        {
            var (channel, nick) = (channels[channels.Length == 1 ? 0 : i], nicks[i]);
            if (IrcServerInfo.Room(channel) is not { } room)
            {
                s.Numeric(IrcNumerics.NoSuchChannel, channel, "No such channel");
                continue;
            }
            var kicked = await s.Hub.KickAsync(s, room, nick, reason).ConfigureAwait(false);
            if (kicked.Ok)
                continue;
            if (kicked.Error!.Code == ErrorCodes.NotInRoom)
                s.Numeric(IrcNumerics.UserNotInChannel, nick, channel, "They aren't on that channel");
            else
                IrcErrors.Reply(s, kicked.Error, "KICK", channel);
        }
    }

    /// <summary>
    /// INVITE nick #channel: 341 to the inviter; the invited user gets an INVITE line. INVITE alone
    /// lists the channels this user is invited to and has not joined yet (336, 337).
    /// </summary>
    private static async Task Invite(IrcSession s, IrcMessage m)
    {
        if (m.Params.Count == 0)
        {
            foreach (var invitedTo in s.Hub.InvitationsOf(s))
                s.Numeric(IrcNumerics.InviteList, IrcServerInfo.Channel(invitedTo));
            s.Numeric(IrcNumerics.EndOfInviteList, "End of /INVITE list");
            return;
        }
        if (m.Params.Count < 2)
        {
            s.Numeric(IrcNumerics.NeedMoreParams, "INVITE", "Not enough parameters");
            return;
        }
        var (nick, channel) = (m.Params[0], m.Params[1]);
        if (IrcServerInfo.Room(channel) is not { } room)
        {
            s.Numeric(IrcNumerics.NoSuchChannel, channel, "No such channel");
            return;
        }
        var invited = await s.Hub.InviteAsync(s, room, nick).ConfigureAwait(false);
        if (invited.Ok)
        {
            s.Numeric(IrcNumerics.Inviting, invited.Value!, IrcServerInfo.Channel(FindRoom(s, room)?.Name ?? room));
            if (s.Hub.AwayOf(invited.Value!) is { } away)
                s.Numeric(IrcNumerics.Away, invited.Value!, away);
            return;
        }
        switch (invited.Error!.Code)
        {
            case ErrorCodes.NoSuchUser:
                s.Numeric(IrcNumerics.NoSuchNick, nick, "No such nick/channel");
                break;
            case ErrorCodes.AlreadyMember:
                s.Numeric(IrcNumerics.UserOnChannel, nick, channel, "is already on channel");
                break;
            default:
                IrcErrors.Reply(s, invited.Error, "INVITE", channel);
                break;
        }
    }
}
