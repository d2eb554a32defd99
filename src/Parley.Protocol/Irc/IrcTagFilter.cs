using System.Buffers;

namespace Parley.Protocol.Irc;

/// <summary>Which tags a client has asked for (with CAP REQ); the others are cut from lines written to it.</summary>
public enum IrcTagFilter
{
    /// <summary>message-tags: every tag.</summary>
    All,
    /// <summary>server-time alone: only <c>time</c>, which the encoder always writes first.</summary>
    TimeOnly,
    /// <summary>Neither: no tag section at all.</summary>
    None,
}

/// <summary>
/// A broadcast is encoded once for every IRC session, with its tags; each session then cuts
/// what its client did not negotiate. The cut is a slice per line: the tag section is a prefix
/// ending at the first space, and <c>time</c> is its first tag.
/// </summary>
public static class IrcTags
{
    /// <summary>Copies CRLF-terminated lines to <paramref name="output"/>, cutting tags per <paramref name="filter"/>.</summary>
    public static void Copy(ReadOnlySpan<byte> lines, IrcTagFilter filter, IBufferWriter<byte> output)
    {
        if (filter == IrcTagFilter.All)
        {
            output.Write(lines);
            return;
        }
        while (!lines.IsEmpty)
        {
            var end = lines.IndexOf((byte)'\n');
            var line = end < 0 ? lines : lines[..(end + 1)];
            lines = lines[line.Length..];
            if (line[0] != (byte)'@' || line.IndexOf((byte)' ') is var space && space < 0)
            {
                output.Write(line);
                continue;
            }
            if (filter == IrcTagFilter.TimeOnly && line.StartsWith("@time="u8))
            {
                var tagEnd = line[..space].IndexOf((byte)';');
                output.Write(tagEnd < 0 ? line[..space] : line[..tagEnd]);
                output.Write(line[space..]);
                continue;
            }
            output.Write(line[(space + 1)..]);
        }
    }
}
