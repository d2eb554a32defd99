namespace Parley.Protocol.Irc;

/// <summary>
/// bot-mode: a client marks itself a bot with <c>MODE nick +B</c> (ISUPPORT <c>BOT=B</c>). It is
/// shown by WHOIS (335) and in WHO flags, and its messages carry the <c>bot</c> tag to clients with
/// message-tags. Per connection, like the other user modes: only this node's sessions are known.
/// </summary>
internal static partial class IrcCommands
{
    private const string BotMode = "B";

    /// <summary>Whether one of the user's sessions on this node is marked a bot.</summary>
    private static bool IsBot(IrcSession s, string user) => s.Hub.LocalSessions(user).Any(x => x.IsBot);
}
