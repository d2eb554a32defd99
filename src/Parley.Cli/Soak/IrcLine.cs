namespace Parley.Cli.Soak;

/// <summary>One IRC line, as far as the soak reads them: tags, command, and the trailing parameter.</summary>
public sealed record IrcLine(IReadOnlyDictionary<string, string> Tags, string Command, string Trailing)
{
    public static IrcLine Parse(string line)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = line.AsSpan();
        if (rest.StartsWith("@"))
        {
            var end = rest.IndexOf(' ');
            if (end < 0)
                return new IrcLine(tags, "", "");
            foreach (var tag in rest[1..end].ToString().Split(';'))
            {
                var eq = tag.IndexOf('=', StringComparison.Ordinal);
                tags[eq < 0 ? tag : tag[..eq]] = eq < 0 ? "" : tag[(eq + 1)..];
            }
            rest = rest[(end + 1)..].TrimStart(' ');
        }
        if (rest.StartsWith(":"))
        {
            var end = rest.IndexOf(' ');
            rest = end < 0 ? [] : rest[(end + 1)..].TrimStart(' ');
        }
        var space = rest.IndexOf(' ');
        var command = (space < 0 ? rest : rest[..space]).ToString();
        var colon = rest.IndexOf(" :");
        var trailing = colon < 0 ? (space < 0 ? "" : rest[(space + 1)..].ToString()) : rest[(colon + 2)..].ToString();
        return new IrcLine(tags, command, trailing);
    }
}
