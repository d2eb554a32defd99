using System.Collections.Frozen;

namespace Parley.Protocol.Irc;

/// <summary>
/// HELP and HELPOP (Modern IRC): <c>704</c> subject, <c>705</c> per line, <c>706</c>; an unknown
/// subject gets <c>524</c>. The subjects are the commands of <see cref="Table"/>, and "index" (no
/// subject) lists them. Short, and about Parley: docs/irc.md has the rest.
/// </summary>
internal static partial class IrcCommands
{
    private static readonly FrozenDictionary<string, string[]> HelpTopics = new Dictionary<string, string[]>
    {
        ["CAP"] = ["CAP LS [302] | CAP REQ :caps | CAP LIST | CAP END", "Negotiates IRCv3 capabilities before registration."],
        ["AUTHENTICATE"] = ["AUTHENTICATE PLAIN, then the base64 of \\0account\\0password", "Signs in to a Parley account with SASL PLAIN (after CAP REQ :sasl)."],
        ["PASS"] = ["PASS password", "Signs in to the Parley account named by NICK with its password."],
        ["NICK"] = ["NICK nickname", "Sets your nick. An account's nick is its name; guests may change theirs where allowed."],
        ["USER"] = ["USER username 0 * :real name", "Completes registration."],
        ["PING"] = ["PING token", "The server answers PONG with the same token."],
        ["PONG"] = ["PONG token", "Answers a PING from the server."],
        ["QUIT"] = ["QUIT [:reason]", "Closes the connection; others see the reason."],
        ["JOIN"] = ["JOIN #channel[,#channel…] [key[,key…]] | JOIN 0", "Joins channels (a missing one is created); JOIN 0 leaves them all."],
        ["PART"] = ["PART #channel[,#channel…] [:reason]", "Leaves channels."],
        ["PRIVMSG"] = ["PRIVMSG target[,target…] :text", "Sends a message to up to 4 channels or nicks."],
        ["NOTICE"] = ["NOTICE target[,target…] :text", "As PRIVMSG, but never answered with an error; IRC clients see it as a NOTICE."],
        ["TAGMSG"] = ["@+tag=value TAGMSG target", "Sends client-only tags alone (typing, reactions) to clients with message-tags; never stored."],
        ["REDACT"] = ["REDACT target msgid [:reason]", "Recalls a message: your own within the recall window, or as a channel operator who outranks its author (draft/message-redaction). The reason is told, not kept."],
        ["TOPIC"] = ["TOPIC #channel [:new topic]", "Shows or sets a channel's topic."],
        ["NAMES"] = ["NAMES [#channel[,#channel…]]", "Lists a channel's members with their prefixes."],
        ["LIST"] = ["LIST [#channel,…|filters]", "Lists channels. Filters (ELIST): >n, <n members; C>m, C<m created; T>m, T<m topic set (m minutes ago); mask, !mask."],
        ["WHO"] = ["WHO mask [%fields[,token]]", "Lists users of a channel or matching a nick mask (WHOX with %fields)."],
        ["WHOIS"] = ["WHOIS nick", "Shows who an online user is."],
        ["WHOWAS"] = ["WHOWAS nick", "Shows who used a nick that has left."],
        ["MODE"] = ["MODE #channel [modes [params]] | MODE nick [modes]", "Shows or changes channel modes (imnstklbov) or your user modes (i, w, B, -o)."],
        ["KICK"] = ["KICK #channel[,#channel…] nick[,nick…] [:reason]", "Removes members (channel operators): one channel for every nick, or one per nick."],
        ["INVITE"] = ["INVITE nick #channel | INVITE", "Invites a user, past +i, +k, +l and +b; alone, lists the channels you are invited to."],
        ["CHATHISTORY"] = ["CHATHISTORY LATEST|BEFORE|AFTER|AROUND|BETWEEN|TARGETS target ref… limit", "Pages through stored history; refs are timestamp=… or msgid=… (draft/chathistory)."],
        ["MONITOR"] = ["MONITOR + nick[,nick…] | - nick | C | L | S", "Tells you when nicks come online or go offline."],
        ["SETNAME"] = ["SETNAME :real name", "Changes the real name WHO and WHOIS show (setname)."],
        ["LINKS"] = ["LINKS", "Lists the servers: this one."],
        ["LUSERS"] = ["LUSERS", "Counts users, operators and channels."],
        ["TIME"] = ["TIME", "Shows the server's clock."],
        ["VERSION"] = ["VERSION", "Shows the server's version."],
        ["INFO"] = ["INFO", "Shows about the server."],
        ["USERHOST"] = ["USERHOST nick [nick…]", "Shows users' hosts."],
        ["AWAY"] = ["AWAY [:message]", "Marks you away with a message, or back without one."],
        ["MOTD"] = ["MOTD", "Shows the message of the day."],
        ["OPER"] = ["OPER name password", "Makes you an IRC operator."],
        ["KILL"] = ["KILL nick :reason", "Disconnects every session of a user (operators)."],
        ["WALLOPS"] = ["WALLOPS :text", "Sends an announcement to everyone signed in (operators)."],
        ["MARKREAD"] = ["MARKREAD target [timestamp=YYYY-MM-DDThh:mm:ss.sssZ]", "Gets or moves your read marker (draft/read-marker)."],
        ["HELP"] = ["HELP [subject]", "Shows help on a command; without a subject, the list of commands."],
        ["HELPOP"] = ["HELPOP [subject]", "The same as HELP."],
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static Task Help(IrcSession s, IrcMessage m)
    {
        var subject = m.Params.Count > 0 && m.Params[0].Length > 0 ? m.Params[0] : null;
        if (subject is null || subject.Equals("index", StringComparison.OrdinalIgnoreCase))
        {
            s.Numeric(IrcNumerics.HelpStart, "index", "Parley IRC gateway: the commands it knows");
            var commands = Table.Keys.Order(StringComparer.Ordinal).ToList();
            for (var i = 0; i < commands.Count; i += 8)
                s.Numeric(IrcNumerics.HelpText, "index", string.Join(' ', commands.Skip(i).Take(8)));
            s.Numeric(IrcNumerics.HelpText, "index", "HELP command tells more about one.");
            s.Numeric(IrcNumerics.EndOfHelp, "index", "End of /HELP");
            return Task.CompletedTask;
        }
        var name = subject.ToUpperInvariant();
        if (!Table.ContainsKey(name))
        {
            s.Numeric(IrcNumerics.HelpNotFound, subject, "No help available on this topic");
            return Task.CompletedTask;
        }
        // A command added to the table without a topic here still gets an answer.
        var text = HelpTopics.GetValueOrDefault(name) ?? [name, "See docs/irc.md."];
        s.Numeric(IrcNumerics.HelpStart, name, text[0]);
        foreach (var line in text.Skip(1))
            s.Numeric(IrcNumerics.HelpText, name, line);
        s.Numeric(IrcNumerics.EndOfHelp, name, "End of /HELP");
        return Task.CompletedTask;
    }
}
