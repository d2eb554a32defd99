using System.Text;

namespace Parley.Protocol.Irc;

/// <summary>
/// One IRC line: optional IRCv3 tags, optional source (":prefix"), a command (a word or a
/// three-digit numeric) and up to 15 parameters, the last of which may contain spaces.
/// </summary>
public sealed record IrcMessage(IReadOnlyDictionary<string, string> Tags, string? Prefix, string Command, IReadOnlyList<string> Params)
{
    private static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>();

    public IrcMessage(string? prefix, string command, params string[] parameters)
        : this(NoTags, prefix, command, parameters)
    {
    }

    /// <summary>
    /// Writes the last parameter after ':' even when it need not be: what most servers do for
    /// text (messages, topics, numerics' descriptions), and what simple bots expect.
    /// </summary>
    public bool Trailing { get; init; }

    private static readonly System.Buffers.SearchValues<char> LineBreaks = System.Buffers.SearchValues.Create("\r\n\0");

    /// <summary>The line without its CRLF. Only the last parameter may be empty, hold a space or start with ':'.</summary>
    public override string ToString()
    {
        var line = new StringBuilder();
        if (Tags.Count > 0)
        {
            line.Append('@');
            var first = true;
            foreach (var (key, value) in Tags)
            {
                if (!first)
                    line.Append(';');
                first = false;
                line.Append(key);
                if (value.Length > 0)
                    line.Append('=').Append(IrcCodec.EscapeTagValue(value));
            }
            line.Append(' ');
        }
        if (Prefix is not null)
            line.Append(':').Append(Prefix).Append(' ');
        line.Append(Command);
        for (var i = 0; i < Params.Count; i++)
        {
            var p = Params[i];
            var last = i == Params.Count - 1;
            if (last && (Trailing || p.Length == 0 || p.Contains(' ') || p[0] == ':'))
            {
                // Text from the other protocols (a topic, a kick's reason) may hold line breaks: they
                // must not end this line and start one of the sender's choosing.
                line.Append(" :").Append(p.AsSpan().IndexOfAny(LineBreaks) < 0 ? p : string.Create(p.Length, p, static (span, text) =>
                {
                    text.AsSpan().CopyTo(span);
                    span.ReplaceAny(LineBreaks, ' ');
                }));
                continue;
            }
            if (p.Length == 0 || p.Contains(' ') || p[0] == ':')
                throw new ArgumentException($"IRC parameter {i} ('{p}') may only be the last one", nameof(Params));
            line.Append(' ').Append(p);
        }
        return line.ToString();
    }

    /// <summary>The line as it goes on the wire: UTF-8, ending in CRLF.</summary>
    public byte[] ToBytes() => Encoding.UTF8.GetBytes(ToString() + "\r\n");
}
