using System.Text;

namespace Parley.Protocol.Irc;

/// <summary>
/// The replies to one labeled command (labeled-response), gathered while it runs and written
/// when it ends: none as a labeled <c>ACK</c>, one line with the label, several in a
/// <c>labeled-response</c> batch whose opening line carries the label. Only what the command's
/// run sends through <see cref="IrcSession.Send(byte[])"/> is gathered; events from others go
/// straight to the queue and never carry the label.
/// </summary>
internal sealed class IrcLabeledReplies(IrcSession session, string label)
{
    private readonly List<byte[]> _frames = [];
    private bool _done;

    /// <summary>Events held during the run (a JOIN's burst) are written after the labeled replies.</summary>
    public bool ReleaseDeferred { get; private set; }

    /// <summary>Asks for the held events to be written after the replies; false once the command has ended.</summary>
    public bool TryDeferRelease()
    {
        lock (_frames)
        {
            if (_done)
                return false;
            ReleaseDeferred = true;
            return true;
        }
    }

    public IrcSession Session { get; } = session;

    /// <summary>
    /// The most replies gathered for one command: a labeled WHO or LIST on a busy server could
    /// otherwise hold its whole reply per connection outside the outbound queue's limits. Past it,
    /// replies go out unlabeled through the queue, as a late send does.
    /// </summary>
    private const int MaxFrames = 1024;

    /// <summary>Takes a reply of the command's run; false once the command has ended or gathered <see cref="MaxFrames"/> (it then goes out as it is).</summary>
    public bool TryAdd(byte[] frame)
    {
        lock (_frames)
        {
            if (_done || _frames.Count >= MaxFrames)
                return false;
            _frames.Add(frame);
            return true;
        }
    }

    /// <summary>The command has ended: the frames to queue, in order, labeled or batched.</summary>
    public IEnumerable<byte[]> Finish(string server, Func<string> batchId)
    {
        List<byte[]> frames;
        lock (_frames)
        {
            _done = true;
            frames = [.. _frames];
        }
        var tag = "label=" + IrcCodec.EscapeTagValue(label);
        var lines = frames.Sum(f => f.AsSpan().Count((byte)'\n'));
        if (lines == 0)
            return [Encoding.UTF8.GetBytes($"@{tag} :{server} ACK\r\n")];
        if (lines == 1)
            return [WithTag(frames[0], tag)];
        var id = batchId();
        return
        [
            Encoding.UTF8.GetBytes($"@{tag} :{server} BATCH +{id} labeled-response\r\n"),
            .. frames.Select(f => WithTag(f, "batch=" + id)),
            Encoding.UTF8.GetBytes($":{server} BATCH -{id}\r\n"),
        ];
    }

    /// <summary>
    /// Puts <paramref name="tag"/> first on every line of <paramref name="frame"/>. A batch tag is
    /// not added to a line that has one already: a batch inside this one (a CHATHISTORY reply)
    /// keeps its lines, and only its BATCH lines join the outer one.
    /// </summary>
    internal static byte[] WithTag(byte[] frame, string tag)
    {
        var tagBytes = Encoding.UTF8.GetBytes(tag);
        var isBatch = tag.StartsWith("batch=", StringComparison.Ordinal);
        using var output = new MemoryStream(frame.Length + 32);
        ReadOnlySpan<byte> rest = frame;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..(end + 1)];
            rest = rest[line.Length..];
            if (line[0] == (byte)'@')
            {
                var space = line.IndexOf((byte)' ');
                var section = space < 0 ? line[1..] : line[1..space];
                if (isBatch && (section.StartsWith("batch="u8) || section.IndexOf(";batch="u8) >= 0))
                {
                    output.Write(line);
                    continue;
                }
                output.WriteByte((byte)'@');
                output.Write(tagBytes);
                output.WriteByte((byte)';');
                output.Write(line[1..]);
            }
            else
            {
                output.WriteByte((byte)'@');
                output.Write(tagBytes);
                output.WriteByte((byte)' ');
                output.Write(line);
            }
        }
        return output.ToArray();
    }
}
