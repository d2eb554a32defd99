using System.Text;

namespace Parley.Protocol.Irc;

public enum IrcParseStatus
{
    Ok,
    /// <summary>Nothing but spaces: ignored, as the RFCs ask.</summary>
    Empty,
    /// <summary>The tags, or the rest of the line, pass the limits of Modern IRC (answered with 417).</summary>
    TooLong,
    /// <summary>Tags or a source with nothing after them, or no command.</summary>
    Malformed,
    /// <summary>
    /// Not valid UTF-8 (ISUPPORT UTF8ONLY): refused with <c>FAIL command INVALID_UTF8</c>. The
    /// message is still read, with U+FFFD for the bad bytes, so that the reply can name its command.
    /// </summary>
    InvalidUtf8,
}

/// <summary>
/// The IRC line codec, pure: bytes of one line (its CRLF already taken off by the framer) in,
/// <see cref="IrcMessage"/> out. A line that is not valid UTF-8 is refused
/// (<see cref="IrcParseStatus.InvalidUtf8"/>): Parley says UTF8ONLY, since what it stores and
/// relays goes to native and web clients as Unicode text, where Latin-1 would arrive as U+FFFD.
/// </summary>
public static class IrcCodec
{
    /// <summary>A line without tags is at most 512 bytes, CRLF included.</summary>
    public const int MaxLineBytes = 512;

    /// <summary>The tag section ('@' to its space, included) may add at most 4096 bytes.</summary>
    public const int MaxTagBytes = 4096;

    /// <summary>The most a line can be on the wire, without its CRLF.</summary>
    public const int MaxWireBytes = MaxTagBytes + MaxLineBytes - 2;

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static IrcParseStatus TryParse(ReadOnlySpan<byte> line, out IrcMessage? message)
    {
        message = null;
        line = line.TrimEnd((byte)'\r');
        line = line.TrimStart((byte)' ');
        if (line.IsEmpty)
            return IrcParseStatus.Empty;
        var valid = System.Text.Unicode.Utf8.IsValid(line);

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (line[0] == (byte)'@')
        {
            var space = line.IndexOf((byte)' ');
            if (space < 0)
                return line.Length + 1 > MaxTagBytes ? IrcParseStatus.TooLong : IrcParseStatus.Malformed;
            if (space + 1 > MaxTagBytes)
                return IrcParseStatus.TooLong;
            ParseTags(Utf8.GetString(line[1..space]), tags);
            line = line[(space + 1)..].TrimStart((byte)' ');
        }
        if (line.Length > MaxLineBytes - 2)
            return IrcParseStatus.TooLong;

        var text = Utf8.GetString(line).AsSpan();
        string? prefix = null;
        if (text.Length > 0 && text[0] == ':')
        {
            var space = text.IndexOf(' ');
            if (space < 0)
                return IrcParseStatus.Malformed;
            prefix = text[1..space].ToString();
            text = text[(space + 1)..].TrimStart(' ');
        }
        var commandEnd = text.IndexOf(' ');
        var command = (commandEnd < 0 ? text : text[..commandEnd]).ToString();
        if (command.Length == 0)
            return IrcParseStatus.Malformed;
        text = commandEnd < 0 ? [] : text[(commandEnd + 1)..];

        var parameters = new List<string>();
        while (true)
        {
            text = text.TrimStart(' ');
            if (text.IsEmpty)
                break;
            if (text[0] == ':')
            {
                parameters.Add(text[1..].ToString());
                break;
            }
            var end = text.IndexOf(' ');
            parameters.Add((end < 0 ? text : text[..end]).ToString());
            text = end < 0 ? [] : text[end..];
        }
        message = new IrcMessage(tags, prefix, command.ToUpperInvariant(), parameters);
        return valid ? IrcParseStatus.Ok : IrcParseStatus.InvalidUtf8;
    }

    private static void ParseTags(string section, Dictionary<string, string> tags)
    {
        foreach (var tag in section.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = tag.IndexOf('=');
            // A tag with no key ("@=x" or "@;=;") is dropped: written back it would be "@ ", which
            // reads as no tags (found by fuzzing, docs/reliability.md).
            if (eq == 0)
                continue;
            // A repeated key keeps its last value, as the message-tags specification says.
            if (eq < 0)
                tags[tag] = "";
            else
                tags[tag[..eq]] = UnescapeTagValue(tag[(eq + 1)..]);
        }
    }

    public static string EscapeTagValue(string value) =>
        value.Replace("\\", "\\\\").Replace(";", "\\:").Replace(" ", "\\s").Replace("\r", "\\r").Replace("\n", "\\n");

    public static string UnescapeTagValue(string value)
    {
        if (!value.Contains('\\'))
            return value;
        var result = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '\\')
            {
                result.Append(value[i]);
                continue;
            }
            if (++i == value.Length)
                break; // A lone trailing backslash is dropped.
            result.Append(value[i] switch { ':' => ';', 's' => ' ', 'r' => '\r', 'n' => '\n', var c => c });
        }
        return result.ToString();
    }
}
