using System.Buffers;
using Parley.Protocol.Json;

namespace Parley.Fuzz;

/// <summary>
/// The native protocol's bytes: <see cref="LineFramer"/> over the input (whole, and again cut into
/// segments whose sizes the input's own bytes choose), then <see cref="RequestParser"/> and the field
/// accessors handlers use on each line. Fails if anything throws other than the documented
/// <see cref="RequestException"/>, or if the cut input frames differently from the whole one.
/// </summary>
public static class JsonTarget
{
    // Small, so afl reaches the too-long path with short inputs; the server's default is 64 KiB.
    private const int MaxLineBytes = 256;

    private static readonly string[] Fields = ["room", "user", "text", "password", "token", "before", "limit", "users", "id", "type"];

    public static void Run(byte[] input)
    {
        var whole = Frame(new ReadOnlySequence<byte>(input));
        // Segment lengths from the input itself (1..16), so one input always cuts the same way.
        var cut = Frame(Segments.Split(input, input.Select(b => (b & 15) + 1)));
        if (whole.Status != cut.Status || whole.Rest != cut.Rest || !whole.Lines.SequenceEqual(cut.Lines))
            throw new FuzzFailure($"framing depends on the split: {whole.Lines.Count} lines whole, {cut.Lines.Count} cut");
        foreach (var line in whole.Lines)
        {
            if (line.Length > 0)
                Parse(Convert.FromHexString(line));
        }
        // The transport takes a last line without '\n' as a request when the peer closes.
        if (whole.Status == FrameStatus.NeedMore && whole.Rest.Length > 0)
            Parse(Convert.FromHexString(whole.Rest));
    }

    /// <summary>Lines and leftover as hex strings, so two framings compare by value.</summary>
    private sealed record Framing(List<string> Lines, FrameStatus Status, string Rest);

    private static Framing Frame(ReadOnlySequence<byte> buffer)
    {
        var lines = new List<string>();
        FrameStatus status;
        while ((status = LineFramer.TryReadLine(ref buffer, MaxLineBytes, out var line)) == FrameStatus.Line)
            lines.Add(Convert.ToHexString(line.ToArray()));
        return new Framing(lines, status, status == FrameStatus.NeedMore ? Convert.ToHexString(buffer.ToArray()) : "");
    }

    private static void Parse(byte[] bytes)
    {
        var request = RequestParser.Parse(new ReadOnlySequence<byte>(bytes), out var error, out _);
        if (request is null)
        {
            if (error is null || string.IsNullOrEmpty(error.Code))
                throw new FuzzFailure("a refused request has no error code");
            return;
        }
        using (request)
        {
            foreach (var field in Fields)
                Read(request, field);
            Try(() => request.Conversation(optional: true));
        }
    }

    private static void Read(JsonRequest request, string field)
    {
        request.Has(field);
        Try(() => request.OptionalString(field));
        Try(() => request.OptionalInteger(field));
        Try(() => request.OptionalBoolean(field));
        Try(() => request.OptionalTime(field));
        Try(() => request.StringArray(field));
    }

    private static void Try<T>(Func<T> read)
    {
        try
        {
            read();
        }
        catch (RequestException ex) when (!string.IsNullOrEmpty(ex.Code))
        {
            // The documented refusal: the handler replies with its code.
        }
    }
}
