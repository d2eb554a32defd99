using System.Text;
using Parley.Core.Model;

namespace Parley.Protocol.Irc;

/// <summary>Registration state: what CAP, PASS, NICK, USER and AUTHENTICATE have said so far. Touched by the reader loop only.</summary>
public sealed partial class IrcSession
{
    internal string? RequestedNick { get; set; }

    internal string? Password { get; set; }

    internal bool UserGiven { get; set; }

    /// <summary>Between CAP LS/REQ and CAP END registration waits, as IRCv3 asks.</summary>
    internal bool CapNegotiating { get; set; }

    /// <summary>Set once AUTHENTICATE PLAIN has been accepted; the base64 chunks gather here.</summary>
    internal StringBuilder? SaslBuffer { get; set; }

    /// <summary>The sign-in's list of joined rooms, replayed as JOINs after the welcome.</summary>
    internal SessionStart? Start { get; set; }
}
