using System.Text;
using Parley.Core.Model;

namespace Parley.Protocol.Irc;

/// <summary>Registration state: what CAP, PASS, NICK, USER and AUTHENTICATE have said so far. Touched by the reader loop only.</summary>
public sealed partial class IrcSession
{
    internal string? RequestedNick { get; set; }

    internal string? Password { get; set; }

    internal bool UserGiven { get; set; }

    /// <summary>The user name USER gave, with IRC's '~' for "not verified by ident"; shown by WHO and WHOIS.</summary>
    internal string? Ident { get; set; }

    /// <summary>User mode +i: WHO shows this user only to those who share a channel with it. Counted for LUSERS.</summary>
    internal bool Invisible
    {
        get => _invisible;
        set
        {
            if (_invisible != value)
                Info.Stats.InvisibleChanged(value);
            _invisible = value;
        }
    }

    private bool _invisible;

    /// <summary>User mode +w: operators' WALLOPS reach this client (read by deliveries, set by MODE).</summary>
    internal bool ReceivesWallops
    {
        get => _wallops;
        set => _wallops = value;
    }

    private volatile bool _wallops;

    /// <summary>The real name USER gave; shown by WHO and WHOIS.</summary>
    internal string? RealName { get; set; }

    /// <summary>Between CAP LS/REQ and CAP END registration waits, as IRCv3 asks.</summary>
    internal bool CapNegotiating { get; set; }

    /// <summary>Set once AUTHENTICATE PLAIN has been accepted; the base64 chunks gather here.</summary>
    internal StringBuilder? SaslBuffer { get; set; }

    /// <summary>The sign-in's list of joined rooms, replayed as JOINs after the welcome.</summary>
    internal SessionStart? Start { get; set; }
}
