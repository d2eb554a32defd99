using System.Globalization;
using Parley.Core.Model;

namespace Parley.Protocol.Irc;

/// <summary>
/// What LIST's first parameter asks for (ISUPPORT <c>ELIST=CMNTU</c>): a comma list of channel
/// names and masks (<c>#c*</c>, any one matches), negated masks (<c>!*x*</c>, none may match),
/// member counts (<c>&gt;n</c>, <c>&lt;n</c>), and creation and topic times in minutes ago
/// (<c>C&gt;m</c> made more than m minutes ago, <c>C&lt;m</c> less; <c>T&gt;m</c>, <c>T&lt;m</c>
/// for the topic, as InspIRCd and Solanum read them). Every condition given must hold. Without
/// names or masks, only rooms with members are listed, as IRC lists only channels in use (a stored
/// room everyone has left, such as an unused #lobby, shows when named).
/// </summary>
internal sealed class IrcListFilter
{
    public const string ISupport = "ELIST=CMNTU";

    private readonly List<string> _masks = [];
    private readonly List<string> _excluded = [];
    private readonly List<Func<RoomSummary, DateTimeOffset, bool>> _conditions = [];

    public static IrcListFilter Parse(string? parameter)
    {
        var filter = new IrcListFilter();
        foreach (var item in (parameter ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (item[0] == '!' && item.Length > 1)
                filter._excluded.Add(item[1..]);
            else if (item[0] is '>' or '<' && Number(item[1..]) is { } members)
                filter._conditions.Add(item[0] == '>' ? (r, _) => r.Members > members : (r, _) => r.Members < members);
            else if (item.Length > 2 && item[0] is 'C' or 'c' or 'T' or 't' && item[1] is '>' or '<' && Number(item[2..]) is { } minutes)
                filter._conditions.Add(Age(topic: item[0] is 'T' or 't', older: item[1] == '>', TimeSpan.FromMinutes(minutes)));
            else
                filter._masks.Add(item);
        }
        return filter;
    }

    public bool Matches(RoomSummary room, DateTimeOffset now)
    {
        var channel = IrcServerInfo.Channel(room.Name);
        return (_masks.Count == 0 ? room.Members > 0 : _masks.Any(m => Glob.Matches(m, channel)))
            && !_excluded.Any(m => Glob.Matches(m, channel))
            && _conditions.All(c => c(room, now));
    }

    /// <summary>A room whose topic time this node does not know (set before it started, or never) meets no topic condition.</summary>
    private static Func<RoomSummary, DateTimeOffset, bool> Age(bool topic, bool older, TimeSpan minutes) => (room, now) =>
        (topic ? room.TopicMark?.At : room.Created) is { } at && (older ? now - at > minutes : now - at < minutes);

    private static int? Number(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
