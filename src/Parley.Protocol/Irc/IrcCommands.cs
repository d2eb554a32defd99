using System.Collections.Frozen;

namespace Parley.Protocol.Irc;

/// <summary>
/// The IRC commands Parley understands (docs/irc.md). <see cref="IrcSession"/> checks each row's
/// preconditions once: registered (451), enough parameters (461), known (421). Handlers live in
/// the partial files by concern.
/// </summary>
internal static partial class IrcCommands
{
    public static readonly FrozenDictionary<string, IrcCommand> Table = new Dictionary<string, IrcCommand>
    {
        ["CAP"] = new(1, BeforeRegistration: true, Cap),
        ["AUTHENTICATE"] = new(1, BeforeRegistration: true, Authenticate),
        ["PASS"] = new(1, BeforeRegistration: true, Pass),
        ["NICK"] = new(0, BeforeRegistration: true, Nick),
        ["USER"] = new(4, BeforeRegistration: true, User),
        ["PING"] = new(1, BeforeRegistration: true, Ping),
        ["PONG"] = new(0, BeforeRegistration: true, (_, _) => Task.CompletedTask),
        ["QUIT"] = new(0, BeforeRegistration: true, Quit),
        ["JOIN"] = new(1, BeforeRegistration: false, Join),
        ["PART"] = new(1, BeforeRegistration: false, Part),
        ["PRIVMSG"] = new(0, BeforeRegistration: false, Privmsg),
        ["NOTICE"] = new(0, BeforeRegistration: false, Privmsg),
        ["TAGMSG"] = new(1, BeforeRegistration: false, TagMsg),
        ["REDACT"] = new(2, BeforeRegistration: false, Redact),
        ["TOPIC"] = new(1, BeforeRegistration: false, Topic),
        ["NAMES"] = new(0, BeforeRegistration: false, Names),
        ["LIST"] = new(0, BeforeRegistration: false, List),
        ["WHO"] = new(0, BeforeRegistration: false, Who),
        ["WHOIS"] = new(1, BeforeRegistration: false, Whois),
        ["MODE"] = new(1, BeforeRegistration: false, Mode),
        ["KICK"] = new(2, BeforeRegistration: false, Kick),
        ["INVITE"] = new(0, BeforeRegistration: false, Invite),
        ["WHOWAS"] = new(1, BeforeRegistration: false, WhoWas),
        ["LUSERS"] = new(0, BeforeRegistration: false, (s, _) => { SendLusers(s); return Task.CompletedTask; }),
        ["TIME"] = new(0, BeforeRegistration: false, Time),
        ["LINKS"] = new(0, BeforeRegistration: false, Links),
        ["VERSION"] = new(0, BeforeRegistration: false, Version),
        ["INFO"] = new(0, BeforeRegistration: false, Info),
        ["USERHOST"] = new(1, BeforeRegistration: false, UserHost),
        ["AWAY"] = new(0, BeforeRegistration: false, Away),
        ["MOTD"] = new(0, BeforeRegistration: false, (s, _) => { SendMotd(s); return Task.CompletedTask; }),
        ["OPER"] = new(2, BeforeRegistration: false, Oper),
        ["KILL"] = new(2, BeforeRegistration: false, Kill),
        ["WALLOPS"] = new(1, BeforeRegistration: false, Wallops),
        ["CHATHISTORY"] = new(1, BeforeRegistration: false, ChatHistory),
        ["MONITOR"] = new(1, BeforeRegistration: false, Monitor),
        ["SETNAME"] = new(1, BeforeRegistration: false, SetName),
        // Its missing parameter is a FAIL, not 461 (read-marker).
        ["MARKREAD"] = new(0, BeforeRegistration: false, MarkRead),
        ["HELP"] = new(0, BeforeRegistration: false, Help),
        ["HELPOP"] = new(0, BeforeRegistration: false, Help),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static Task Ping(IrcSession s, IrcMessage m)
    {
        s.Send(new IrcMessage(s.Info.ServerName, "PONG", s.Info.ServerName, m.Params[0]) { Trailing = true });
        return Task.CompletedTask;
    }

    private static Task Quit(IrcSession s, IrcMessage m)
    {
        // Others see the reason in the QUIT line when the hub lets them know the user left.
        s.QuitReason = m.Params.Count > 0 && m.Params[0].Length > 0 ? $"Quit: {m.Params[0]}" : "Quit";
        s.Close(s.QuitReason);
        return Task.CompletedTask;
    }
}
