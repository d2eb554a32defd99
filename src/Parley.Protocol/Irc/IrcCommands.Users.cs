using Parley.Core.Events;
using Parley.Core.Model;

namespace Parley.Protocol.Irc;

/// <summary>Messages and people: PRIVMSG, NOTICE, WHO, WHOIS, AWAY.</summary>
internal static partial class IrcCommands
{
    /// <summary>
    /// To a channel or a nick (a direct message), several targets allowed. NOTICE is sent as a
    /// message like PRIVMSG (Parley has one kind), but never gets an error reply, as IRC requires.
    /// </summary>
    private static async Task Privmsg(IrcSession s, IrcMessage m)
    {
        var notice = m.Command == "NOTICE";
        if (m.Params.Count == 0)
        {
            if (!notice)
                s.Numeric(IrcNumerics.NoRecipient, $"No recipient given ({m.Command})");
            return;
        }
        // Text that shows nothing (only spaces or zero-width padding) is treated as no text:
        // dropped before it reaches the hub, with the same 412 as an empty PRIVMSG.
        if (m.Params.Count == 1 || BlankText.IsBlank(m.Params[1]))
        {
            if (!notice)
                s.Numeric(IrcNumerics.NoTextToSend, "No text to send");
            return;
        }
        var text = m.Params[1];
        foreach (var target in m.Params[0].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var sent = target.StartsWith('#')
                ? await s.Hub.SendToRoomAsync(s, target[1..], text).ConfigureAwait(false)
                : await s.Hub.SendDirectAsync(s, target, text).ConfigureAwait(false);
            if (!sent.Ok)
            {
                if (!notice)
                    IrcErrors.Reply(s, sent.Error!, m.Command, target);
                continue;
            }
            // The hub delivers to everyone but the sending session; echo-message asks for it back.
            if (s.Caps.HasFlag(IrcCaps.EchoMessage))
                s.Send(s.Encoder.Encode(new MessageEvent(sent.Value!)));
        }
    }

    /// <summary>
    /// WHO #channel lists its members (H online, G offline); WHO nick the one user if online. A
    /// comma list ("WHO #a,#b", as irssi sends after joining several channels with its
    /// -querychans setting) is answered one mask after another, each ended by its own 315.
    /// </summary>
    private static Task Who(IrcSession s, IrcMessage m)
    {
        var masks = m.Params.Count > 0 ? m.Params[0].Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
        if (masks.Length == 0)
            masks = ["*"];
        foreach (var mask in masks)
            WhoOne(s, mask);
        return Task.CompletedTask;
    }

    private static void WhoOne(IrcSession s, string mask)
    {
        if (mask.StartsWith('#'))
        {
            var members = IrcServerInfo.Room(mask) is { } room ? s.Hub.Members(room) : default;
            if (members.Ok && members.Value is { } list)
            {
                var channel = IrcServerInfo.Channel(FindRoom(s, mask[1..])?.Name ?? mask[1..]);
                foreach (var member in list)
                    WhoReply(s, channel, member.User, member.Online);
            }
        }
        else if (OnlineName(s, mask) is { } user)
        {
            WhoReply(s, "*", user, online: true);
        }
        s.Numeric(IrcNumerics.EndOfWho, mask, "End of WHO list");
    }

    private static void WhoReply(IrcSession s, string channel, string user, bool online) =>
        s.Numeric(IrcNumerics.WhoReply, channel, user, IrcServerInfo.UserHost, s.Info.ServerName, user, online ? "H" : "G", $"0 {user}");

    private static Task Whois(IrcSession s, IrcMessage m)
    {
        // WHOIS [server] nick: the nick is the last parameter.
        var nick = m.Params[^1];
        if (OnlineName(s, nick) is { } user)
        {
            s.Numeric(IrcNumerics.WhoisUser, user, user, IrcServerInfo.UserHost, "*", user);
            s.Numeric(IrcNumerics.WhoisServer, user, s.Info.ServerName, s.Info.Network);
        }
        else
        {
            s.Numeric(IrcNumerics.NoSuchNick, nick, "No such nick/channel");
        }
        s.Numeric(IrcNumerics.EndOfWhois, nick, "End of /WHOIS list");
        return Task.CompletedTask;
    }

    /// <summary>Away is acknowledged but not kept or shown to others yet.</summary>
    private static Task Away(IrcSession s, IrcMessage m)
    {
        if (m.Params.Count > 0 && m.Params[0].Length > 0)
            s.Numeric(IrcNumerics.NowAway, "You have been marked as being away");
        else
            s.Numeric(IrcNumerics.UnAway, "You are no longer marked as being away");
        return Task.CompletedTask;
    }

    /// <summary>The user's name as spelled by the account, if the user is online on any node.</summary>
    private static string? OnlineName(IrcSession s, string nick) =>
        s.Hub.Online().Value!.FirstOrDefault(u => string.Equals(u, nick, StringComparison.OrdinalIgnoreCase));
}
