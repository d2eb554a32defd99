using System.Text;
using Parley.Core.Model;

namespace Parley.Protocol.Irc;

/// <summary>
/// Parley's room moderation as IRC channel modes, both ways: +b ban, +k key, +l limit, +i
/// invite-only, +m moderated, +n only members send (on unless switched off: the room's
/// <see cref="RoomSetting.ExternalMessages"/>, inverted), +s secret, +t topic for admins, +o admin, +v voiced.
/// </summary>
internal static class IrcModes
{
    /// <summary>ISUPPORT CHANMODES: list modes, modes with a parameter always, with one when set, flags.</summary>
    public const string ChanModes = "b,k,l,imnst";

    /// <summary>ISUPPORT PREFIX: admins (and the owner) are '@', voiced members '+'.</summary>
    public const string Prefix = "(ov)@+";

    /// <summary>The prefix of a member's nick in NAMES and WHO: '@', '+' or none (a member has one role, so multi-prefix shows the same).</summary>
    public static string PrefixOf(RoomRole role) => role switch
    {
        >= RoomRole.Admin => "@",
        RoomRole.Voiced => "+",
        _ => "",
    };

    /// <summary>The RPL_CHANNELMODEIS parameters: "+ntk", then the key and limit (the key only to members).</summary>
    public static string[] Current(RoomModeration m, bool member)
    {
        var flags = new StringBuilder("+");
        var args = new List<string>();
        if (m.InviteOnly) flags.Append('i');
        if (m.Key is not null)
        {
            flags.Append('k');
            args.Add(member ? m.Key : "*");
        }
        if (m.Limit is { } limit)
        {
            flags.Append('l');
            args.Add(limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (m.Moderated) flags.Append('m');
        if (!m.ExternalMessages) flags.Append('n');
        if (m.Secret) flags.Append('s');
        if (m.TopicLocked) flags.Append('t');
        return [flags.ToString(), .. args];
    }

    /// <summary>Changes as one MODE line, e.g. <c>:alice!alice@parley MODE #room +o-k bob key</c>.</summary>
    /// <remarks>Null when no change has a mode: a mute has none (IRC users hear of it only when refused).</remarks>
    public static IrcMessage? ModeLine(string source, string channel, IReadOnlyList<RoomChange> changes)
    {
        changes = changes.Where(c => c.Setting != RoomSetting.Mute).ToList();
        if (changes.Count == 0)
            return null;
        var modes = new StringBuilder();
        var args = new List<string>();
        char? sign = null;
        foreach (var change in changes)
        {
            // +n is "no external messages": the setting the other way round.
            var s = change.On != (change.Setting == RoomSetting.ExternalMessages) ? '+' : '-';
            if (sign != s)
                modes.Append(sign = s);
            modes.Append(Letter(change));
            if (change.Setting is RoomSetting.Role or RoomSetting.Ban || (change.On && change.Setting is RoomSetting.Key or RoomSetting.Limit)
                || (!change.On && change.Setting == RoomSetting.Key))
                args.Add(change.Value ?? "*");
        }
        return new IrcMessage(source, "MODE", [channel, modes.ToString(), .. args]);
    }

    private static char Letter(RoomChange change) => change.Setting switch
    {
        RoomSetting.InviteOnly => 'i',
        RoomSetting.Moderated => 'm',
        RoomSetting.TopicLocked => 't',
        RoomSetting.Secret => 's',
        RoomSetting.ExternalMessages => 'n',
        RoomSetting.Key => 'k',
        RoomSetting.Limit => 'l',
        RoomSetting.Ban => 'b',
        RoomSetting.Role => change.Role == RoomRole.Voiced ? 'v' : 'o',
        _ => '?',
    };

    /// <summary>
    /// What a MODE line asks, parsed: the changes, "b" list requests, the letters Parley does not
    /// know, and the parameters it refuses (ERR_INVALIDMODEPARAM: the letter, the parameter as
    /// the reply shows it, why).
    /// </summary>
    public sealed record Request(List<RoomChange> Changes, bool ListBans, List<char> Unknown, bool MissingArgument, List<(char Mode, string Parameter, string Reason)> Invalid);

    /// <summary>RFC 2812's channel key: 1 to 23 characters, none of them a space, a comma or a control character.</summary>
    public const int MaxKeyLength = 23;

    private static bool IsValidKey(string key) =>
        key.Length is > 0 and <= MaxKeyLength && !key.Any(c => c <= ' ' || c == ',' || c == '\x7f');

    /// <summary>Reads <c>MODE #chan +kl-o key 10 nick</c>: parameters are taken in order by the modes that need one.</summary>
    public static Request Parse(IReadOnlyList<string> parameters)
    {
        var changes = new List<RoomChange>();
        var unknown = new List<char>();
        var listBans = false;
        var missing = false;
        var invalid = new List<(char, string, string)>();
        var next = 2;
        var on = true;
        string? Arg() => next < parameters.Count ? parameters[next++] : null;
        foreach (var c in parameters[1])
        {
            switch (c)
            {
                case '+': on = true; break;
                case '-': on = false; break;
                case 'i': changes.Add(new(RoomSetting.InviteOnly, on)); break;
                case 'm': changes.Add(new(RoomSetting.Moderated, on)); break;
                case 't': changes.Add(new(RoomSetting.TopicLocked, on)); break;
                case 's': changes.Add(new(RoomSetting.Secret, on)); break;
                case 'n': changes.Add(new(RoomSetting.ExternalMessages, !on)); break;
                case 'k':
                    var key = Arg();
                    if (!on)
                        changes.Add(new(RoomSetting.Key, false));
                    else if (key is null)
                        missing = true;
                    else if (!IsValidKey(key))
                        invalid.Add(('k', "*", $"A key is 1 to {MaxKeyLength} characters without spaces, commas or control characters"));
                    else
                        changes.Add(new(RoomSetting.Key, true, key));
                    break;
                case 'l':
                    if (!on)
                        changes.Add(new(RoomSetting.Limit, false));
                    else if (Arg() is not { } limit)
                        missing = true;
                    else if (int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0)
                        changes.Add(new(RoomSetting.Limit, true, n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    else
                        invalid.Add(('l', limit.Length > 0 ? limit : "*", "A member limit is a whole number above 0"));
                    break;
                case 'b':
                    if (Arg() is { } mask)
                        changes.Add(new(RoomSetting.Ban, on, NormalizeMask(mask)));
                    else
                        listBans = true;
                    break;
                case 'o' or 'v':
                    if (Arg() is { } nick)
                        changes.Add(new(RoomSetting.Role, on, nick, c == 'o' ? RoomRole.Admin : RoomRole.Voiced));
                    else
                        missing = true;
                    break;
                default: unknown.Add(c); break;
            }
        }
        return new Request(changes, listBans, unknown, missing, invalid);
    }

    /// <summary>A ban on "bob" is a ban on "bob!*@*", as IRC servers complete it.</summary>
    private static string NormalizeMask(string mask)
    {
        if (!mask.Contains('!') && !mask.Contains('@'))
            return mask + "!*@*";
        if (!mask.Contains('!'))
            return "*!" + mask;
        return mask.Contains('@') ? mask : mask + "@*";
    }
}
