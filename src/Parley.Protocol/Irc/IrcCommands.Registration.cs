using System.Text;
using Parley.Core.Model;

namespace Parley.Protocol.Irc;

/// <summary>Registration: CAP, AUTHENTICATE (SASL PLAIN), PASS, NICK, USER, and the welcome burst.</summary>
internal static partial class IrcCommands
{
    /// <summary>AUTHENTICATE sends base64 in chunks of 400; a shorter one (or "+") is the last.</summary>
    private const int SaslChunk = 400;
    private const int SaslMaxChars = 4 * SaslChunk;

    private static async Task Cap(IrcSession s, IrcMessage m)
    {
        var sub = m.Params[0].ToUpperInvariant();
        switch (sub)
        {
            case "LS":
                if (!s.Registered)
                    s.CapNegotiating = true;
                var v302 = m.Params.Count > 1 && int.TryParse(m.Params[1], out var version) && version >= 302;
                var offered = string.Join(' ', IrcCapNames.Offered.Select(c => v302 && c.Cap == IrcCaps.Sasl ? "sasl=PLAIN" : c.Name));
                s.Send(new IrcMessage(s.Info.ServerName, "CAP", s.Nick, "LS", offered) { Trailing = true });
                break;
            case "LIST":
                var enabled = string.Join(' ', IrcCapNames.Offered.Where(c => s.Caps.HasFlag(c.Cap)).Select(c => c.Name));
                s.Send(new IrcMessage(s.Info.ServerName, "CAP", s.Nick, "LIST", enabled) { Trailing = true });
                break;
            case "REQ" when m.Params.Count > 1:
                if (!s.Registered)
                    s.CapNegotiating = true;
                var caps = s.Caps;
                var all = true;
                foreach (var name in m.Params[1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var off = name.StartsWith('-');
                    if (IrcCapNames.Find(off ? name[1..] : name) is not { } cap)
                    {
                        all = false;
                        break;
                    }
                    caps = off ? caps & ~cap : caps | cap;
                }
                // A request is taken whole or not at all.
                if (all)
                    s.Caps = caps;
                s.Send(new IrcMessage(s.Info.ServerName, "CAP", s.Nick, all ? "ACK" : "NAK", m.Params[1]) { Trailing = true });
                break;
            case "END":
                s.CapNegotiating = false;
                await TryRegisterAsync(s).ConfigureAwait(false);
                break;
            default:
                s.Numeric(IrcNumerics.InvalidCapCmd, m.Params[0], "Invalid CAP command");
                break;
        }
    }

    private static async Task Authenticate(IrcSession s, IrcMessage m)
    {
        var data = m.Params[0];
        if (s.IsAuthenticated)
        {
            s.Numeric(IrcNumerics.SaslAlready, "You have already authenticated using SASL");
            return;
        }
        if (data == "*")
        {
            s.SaslBuffer = null;
            s.Numeric(IrcNumerics.SaslAborted, "SASL authentication aborted");
            return;
        }
        if (s.SaslBuffer is null)
        {
            if (!string.Equals(data, "PLAIN", StringComparison.OrdinalIgnoreCase))
            {
                s.Numeric(IrcNumerics.SaslMechs, "PLAIN", "are available SASL mechanisms");
                s.Numeric(IrcNumerics.SaslFail, "SASL authentication failed");
                return;
            }
            s.SaslBuffer = new StringBuilder();
            s.Send(new IrcMessage(null, "AUTHENTICATE", "+"));
            return;
        }
        if (data != "+")
            s.SaslBuffer.Append(data);
        if (s.SaslBuffer.Length > SaslMaxChars)
        {
            s.SaslBuffer = null;
            s.Numeric(IrcNumerics.SaslTooLong, "SASL message too long");
            return;
        }
        if (data.Length == SaslChunk)
            return;
        var payload = s.SaslBuffer.ToString();
        s.SaslBuffer = null;
        if (DecodePlain(payload) is not { } plain
            || (plain.Authzid.Length > 0 && !string.Equals(plain.Authzid, plain.Authcid, StringComparison.OrdinalIgnoreCase)))
        {
            s.Numeric(IrcNumerics.SaslFail, "SASL authentication failed");
            return;
        }
        var login = await s.Hub.LoginAsync(s, plain.Authcid, plain.Password).ConfigureAwait(false);
        if (!login.Ok)
        {
            s.Numeric(IrcNumerics.SaslFail, $"SASL authentication failed: {login.Error!.Message}");
            return;
        }
        s.Start = login.Value;
        var account = login.Value!.User;
        s.Numeric(IrcNumerics.LoggedIn, IrcServerInfo.Source(account), account, $"You are now logged in as {account}");
        s.Numeric(IrcNumerics.SaslSuccess, "SASL authentication successful");
    }

    /// <summary>SASL PLAIN: base64 of authzid NUL authcid NUL password; null when it is not that.</summary>
    internal static (string Authzid, string Authcid, string Password)? DecodePlain(string base64)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
        var parts = Encoding.UTF8.GetString(bytes).Split('\0');
        return parts.Length == 3 && parts[1].Length > 0 ? (parts[0], parts[1], parts[2]) : null;
    }

    private static Task Pass(IrcSession s, IrcMessage m)
    {
        if (s.Registered)
            s.Numeric(IrcNumerics.AlreadyRegistered, "You may not reregister");
        else
            s.Password = m.Params[0];
        return Task.CompletedTask;
    }

    private static async Task Nick(IrcSession s, IrcMessage m)
    {
        if (m.Params.Count == 0 || m.Params[0].Length == 0)
        {
            s.Numeric(IrcNumerics.NoNicknameGiven, "No nickname given");
            return;
        }
        var nick = m.Params[0];
        if (!Core.Model.Names.IsValid(nick))
        {
            s.Numeric(IrcNumerics.ErroneousNickname, nick, $"Erroneous nickname: a nick is {Core.Model.Names.Rule}");
            return;
        }
        if (s.Registered)
        {
            await ChangeNickAsync(s, nick).ConfigureAwait(false);
            return;
        }
        s.RequestedNick = nick;
        await TryRegisterAsync(s).ConfigureAwait(false);
    }

    /// <summary>
    /// An open guest may take another free nick; an account's nick is its name, so the same one
    /// (in any case) is a no-op and another is refused, as is any change for a limited guest.
    /// </summary>
    private static async Task ChangeNickAsync(IrcSession s, string nick)
    {
        if (nick == s.Nick)
            return;
        if (!s.IsGuest)
        {
            if (!string.Equals(nick, s.Nick, StringComparison.OrdinalIgnoreCase))
                s.Numeric(IrcNumerics.NoNickChange, nick, "Parley nicks are account names and cannot be changed");
            return;
        }
        var renamed = await s.Hub.RenameGuestAsync(s, nick).ConfigureAwait(false);
        if (renamed.Ok)
            return;
        if (renamed.Error!.Code == ErrorCodes.UserExists)
            s.Numeric(IrcNumerics.NicknameInUse, nick, $"Nickname is already in use: {renamed.Error.Message}");
        else
            s.Numeric(IrcNumerics.NoNickChange, nick, renamed.Error.Message);
    }

    private static async Task User(IrcSession s, IrcMessage m)
    {
        if (s.Registered)
        {
            s.Numeric(IrcNumerics.AlreadyRegistered, "You may not reregister");
            return;
        }
        if (m.Params[0].Length == 0 || m.Params[3].Length == 0)
        {
            s.Numeric(IrcNumerics.NeedMoreParams, "USER", "Not enough parameters");
            return;
        }
        s.UserGiven = true;
        s.Ident = "~" + new string(m.Params[0].Where(c => c > ' ' && c != '@' && c != '!').Take(IrcServerInfo.UserLength).ToArray());
        s.RealName = m.Params[3];
        await TryRegisterAsync(s).ConfigureAwait(false);
    }

    /// <summary>
    /// Completes registration once NICK and USER are in and CAP negotiation is over: signs in
    /// with PASS unless SASL already did, else as a guest (when allowed), then the welcome.
    /// </summary>
    private static async Task TryRegisterAsync(IrcSession s)
    {
        if (s.Registered || s.RequestedNick is null || !s.UserGiven || s.CapNegotiating)
            return;
        if (!s.IsAuthenticated && s.Password is null)
        {
            if (!await TrySignInGuestAsync(s).ConfigureAwait(false))
                return;
        }
        else if (!s.IsAuthenticated)
        {
            var login = await s.Hub.LoginAsync(s, s.RequestedNick, s.Password!).ConfigureAwait(false);
            s.Password = null;
            if (!login.Ok)
            {
                s.Numeric(IrcNumerics.PasswdMismatch, $"Password incorrect: {login.Error!.Message}");
                s.Close("Password incorrect");
                return;
            }
            s.Start = login.Value;
        }
        await WelcomeAsync(s).ConfigureAwait(false);
    }

    /// <summary>NICK/USER without an account: a guest under that nick, if guests are allowed and the nick is free.</summary>
    private static async Task<bool> TrySignInGuestAsync(IrcSession s)
    {
        if (!s.Info.AllowGuests)
        {
            s.Numeric(IrcNumerics.PasswdMismatch, "This server needs an account: use SASL PLAIN or PASS");
            s.Close("This server needs an account");
            return false;
        }
        var nick = s.RequestedNick!;
        var guest = await s.Hub.SignInGuestAsync(s, nick).ConfigureAwait(false);
        if (guest.Ok)
        {
            s.Start = guest.Value;
            return true;
        }
        if (guest.Error!.Code == ErrorCodes.RegistrationClosed)
        {
            // No other nick would do better: as with guests switched off, say what it takes and close.
            s.Numeric(IrcNumerics.PasswdMismatch, $"This server needs an account: use SASL PLAIN or PASS ({guest.Error.Message})");
            s.Close("This server needs an account");
            return false;
        }
        // The client stays unregistered and may offer another NICK, as after any 433.
        s.RequestedNick = null;
        if (guest.Error.Code == ErrorCodes.UserExists)
            s.Numeric(IrcNumerics.NicknameInUse, nick, $"Nickname is already in use: {guest.Error.Message}");
        else
            s.Numeric(IrcNumerics.UnknownError, "NICK", guest.Error.Message);
        return false;
    }

    private static async Task WelcomeAsync(IrcSession s)
    {
        var info = s.Info;
        var nick = s.Nick;
        s.Numeric(IrcNumerics.Welcome, $"Welcome to the {info.Network} IRC Network {IrcServerInfo.Source(nick)}");
        s.Numeric(IrcNumerics.YourHost, $"Your host is {info.ServerName}, running version {IrcServerInfo.Version}");
        s.Numeric(IrcNumerics.Created, $"This server was started {info.Started.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
        s.Numeric(IrcNumerics.MyInfo, info.ServerName, IrcServerInfo.Version, "Bio", "biklmnostv", "bklov");
        SendISupport(s);
        SendLusers(s);
        SendMotd(s);
        if (s.IsGuest && s.Hub.Limits.Guests != Core.Policy.GuestPolicy.Open)
            s.Send(new IrcMessage(info.ServerName, "NOTICE", nick,
                "You are a guest: join existing channels and talk in them. Direct messages and new channels need an account.") { Trailing = true });
        foreach (var room in s.Start?.Rooms ?? [])
            await SendJoinedAsync(s, room.Name, room.Topic, s.Hub.Members(room.Name).Value ?? []).ConfigureAwait(false);
        s.Start = null;
        s.MarkRegistered();
    }

    private static void SendISupport(IrcSession s)
    {
        s.Numeric(IrcNumerics.ISupport,
            "CASEMAPPING=ascii", "CHANTYPES=#", $"NICKLEN={Core.Model.Names.MaxLength}", $"CHANNELLEN={Core.Model.Names.MaxLength + 1}",
            $"TOPICLEN={s.Hub.Limits.MaxTopicChars}", $"NETWORK={s.Info.Network}", $"PREFIX={IrcModes.Prefix}", "CHANLIMIT=#:",
            $"CHANMODES={IrcModes.ChanModes}", $"USERLEN={IrcServerInfo.UserLength}", "WHOX", "MODES=20",
            "are supported by this server");
        s.Numeric(IrcNumerics.ISupport, [.. ExtensionTokens(s), "are supported by this server"]);
    }

    private static void SendMotd(IrcSession s)
    {
        var motd = s.Info.Motd;
        if (string.IsNullOrEmpty(motd))
        {
            s.Numeric(IrcNumerics.NoMotd, "MOTD File is missing");
            return;
        }
        s.Numeric(IrcNumerics.MotdStart, $"- {s.Info.ServerName} Message of the day - ");
        foreach (var line in motd.Split('\n'))
            s.Numeric(IrcNumerics.Motd, $"- {line.TrimEnd('\r')}");
        s.Numeric(IrcNumerics.EndOfMotd, "End of /MOTD command.");
    }
}
