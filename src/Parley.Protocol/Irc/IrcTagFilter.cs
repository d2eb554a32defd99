using System.Buffers;

namespace Parley.Protocol.Irc;

/// <summary>
/// Which tags a client has asked for (with CAP REQ); the others are cut from lines written to it.
/// message-tags asks for every tag; without it, each capability that brings a tag of its own
/// (server-time: <c>time</c>, batch: <c>batch</c>, labeled-response: <c>label</c>) keeps that one.
/// </summary>
[Flags]
public enum IrcTagFilter
{
    /// <summary>No tag section at all.</summary>
    None = 0,
    /// <summary>server-time: <c>time</c>.</summary>
    Time = 1,
    /// <summary>batch: <c>batch</c>.</summary>
    Batch = 2,
    /// <summary>labeled-response: <c>label</c>.</summary>
    Label = 4,
    /// <summary>message-tags: every tag.</summary>
    All = 8,
    /// <summary>server-time alone.</summary>
    TimeOnly = Time,
}

/// <summary>
/// A broadcast is encoded once for every IRC session, with its tags; each session then cuts
/// what its client did not negotiate. The cut is a slice per line: the tag section is a prefix
/// ending at the first space; a client with no tag capability gets what follows it, one with
/// some gets the tags it asked for, in their order.
/// </summary>
public static class IrcTags
{
    /// <summary>Copies CRLF-terminated lines to <paramref name="output"/>, cutting tags per <paramref name="filter"/>.</summary>
    public static void Copy(ReadOnlySpan<byte> lines, IrcTagFilter filter, IBufferWriter<byte> output)
    {
        if (filter.HasFlag(IrcTagFilter.All))
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
            if (filter != IrcTagFilter.None)
                WriteKept(line[1..space], filter, output);
            output.Write(line[(space + 1)..]);
        }
    }

    /// <summary>Writes "@kept;tags " for the tags the filter keeps, or nothing when it keeps none.</summary>
    private static void WriteKept(ReadOnlySpan<byte> section, IrcTagFilter filter, IBufferWriter<byte> output)
    {
        var any = false;
        while (!section.IsEmpty)
        {
            var semi = section.IndexOf((byte)';');
            var tag = semi < 0 ? section : section[..semi];
            section = semi < 0 ? [] : section[(semi + 1)..];
            if (!Keeps(tag, filter))
                continue;
            output.Write(any ? ";"u8 : "@"u8);
            output.Write(tag);
            any = true;
        }
        if (any)
            output.Write(" "u8);
    }

    private static bool Keeps(ReadOnlySpan<byte> tag, IrcTagFilter filter)
    {
        var eq = tag.IndexOf((byte)'=');
        var key = eq < 0 ? tag : tag[..eq];
        return key.SequenceEqual("time"u8) ? filter.HasFlag(IrcTagFilter.Time)
            : key.SequenceEqual("batch"u8) ? filter.HasFlag(IrcTagFilter.Batch)
            : key.SequenceEqual("label"u8) && filter.HasFlag(IrcTagFilter.Label);
    }
}
