using System.Security.Cryptography;
using System.Text;

namespace Parley.Protocol.Irc;

/// <summary>IRC operators (setting IrcOperators): OPER, then KILL and WALLOPS.</summary>
internal static partial class IrcCommands
{
    private static Task Oper(IrcSession s, IrcMessage m)
    {
        // Account holders, and guests where guests are open (classic IRC: the operator password is
        // the proof). A limited guest's nick proves nothing about who is typing.
        if (s.Info.Operators.Count == 0 || (s.IsGuest && s.Hub.Limits.Guests != Core.Policy.GuestPolicy.Open))
        {
            s.Numeric(IrcNumerics.NoOperHost, "No O-lines for your host");
            return Task.CompletedTask;
        }
        if (!s.Info.Operators.TryGetValue(m.Params[0], out var password) || !SameSecret(password, m.Params[1]))
        {
            s.Numeric(IrcNumerics.PasswdMismatch, "Password incorrect");
            return Task.CompletedTask;
        }
        s.IsOperator = true;
        s.Numeric(IrcNumerics.YoureOper, "You are now an IRC operator");
        s.Send(new IrcMessage(IrcServerInfo.Source(s.Nick), "MODE", s.Nick, "+o"));
        return Task.CompletedTask;
    }

    private static async Task Kill(IrcSession s, IrcMessage m)
    {
        if (!s.IsOperator)
        {
            s.Numeric(IrcNumerics.NoPrivileges, "Permission Denied- You're not an IRC operator");
            return;
        }
        var target = m.Params[0];
        if (!await s.Hub.KillAsync(target, $"Killed ({s.Nick} ({m.Params[1]}))").ConfigureAwait(false))
            s.Numeric(IrcNumerics.NoSuchNick, target, "No such nick/channel");
    }

    private static async Task Wallops(IrcSession s, IrcMessage m)
    {
        if (!s.IsOperator)
        {
            s.Numeric(IrcNumerics.NoPrivileges, "Permission Denied- You're not an IRC operator");
            return;
        }
        await s.Hub.AnnounceAsync(s.Nick, m.Params[0]).ConfigureAwait(false);
    }

    /// <summary>Compares hashes in constant time, so the reply time says nothing about how much of the password matched.</summary>
    private static bool SameSecret(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(given)));
}
