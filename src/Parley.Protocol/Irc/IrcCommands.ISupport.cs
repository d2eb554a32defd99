namespace Parley.Protocol.Irc;

/// <summary>The second 005 line: ISUPPORT tokens of the IRCv3 and Modern extensions, each documented in docs/irc.md.</summary>
internal static partial class IrcCommands
{
    private static string[] ExtensionTokens(IrcSession s) =>
    [
        // How many targets each command takes (none given: no limit); more are dropped, as Modern IRC allows.
        $"TARGMAX=JOIN:,PART:,KICK:,NAMES:,WHO:,MODE:,MONITOR:,PRIVMSG:{MaxMessageTargets},NOTICE:{MaxMessageTargets},TAGMSG:{MaxMessageTargets}",
        // Lines that are not UTF-8 get FAIL … INVALID_UTF8 (IrcCodec).
        "UTF8ONLY",
        IrcListFilter.ISupport,
        // bot-mode: user mode +B (IrcCommands.Bot.cs).
        "BOT=" + BotMode,
        // draft/chathistory (IrcCommands.History.cs).
        $"CHATHISTORY={s.Hub.Limits.HistoryMax}", "MSGREFTYPES=timestamp,msgid",
        // MONITOR and SETNAME (IrcCommands.Monitor.cs).
        $"MONITOR={s.Hub.Limits.MaxWatchedUsers}", $"NAMELEN={RealNameLength}",
    ];
}
