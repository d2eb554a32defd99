using System.Buffers.Text;

namespace Parley.Cli.Bench;

/// <summary>
/// The text of a bench message: <c>%B{sender}.{seq}.{ticks}%</c> padded with <c>x</c> to the
/// requested size. Every wire format carries it unescaped (no quote, backslash, space or line
/// end), so a receiver finds it by searching the raw bytes of a line for the marker and reads the
/// three numbers in place: no JSON parse, no string.
/// </summary>
public static class Payload
{
    public static ReadOnlySpan<byte> Marker => "%B"u8;

    /// <summary>Writes the text; returns its length (at least <paramref name="size"/>, more only if the numbers do not fit).</summary>
    public static int Write(Span<byte> destination, int sender, long seq, long ticks, int size)
    {
        Marker.CopyTo(destination);
        var at = Marker.Length;
        Utf8Formatter.TryFormat(sender, destination[at..], out var n);
        at += n;
        destination[at++] = (byte)'.';
        Utf8Formatter.TryFormat(seq, destination[at..], out n);
        at += n;
        destination[at++] = (byte)'.';
        Utf8Formatter.TryFormat(ticks, destination[at..], out n);
        at += n;
        destination[at++] = (byte)'%';
        if (at < size)
        {
            destination[at..size].Fill((byte)'x');
            at = size;
        }
        return at;
    }

    /// <summary>The longest text <see cref="Write"/> produces for this size.</summary>
    public static int MaxLength(int size) => Math.Max(size, 2 + 10 + 1 + 19 + 1 + 19 + 1);

    /// <summary>Finds the marker in a frame and reads the numbers after it.</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out int sender, out long seq, out long ticks)
    {
        sender = 0;
        seq = 0;
        ticks = 0;
        var at = frame.IndexOf(Marker);
        if (at < 0)
            return false;
        var rest = frame[(at + Marker.Length)..];
        if (!Utf8Parser.TryParse(rest, out sender, out var n) || n >= rest.Length || rest[n] != '.')
            return false;
        rest = rest[(n + 1)..];
        if (!Utf8Parser.TryParse(rest, out seq, out n) || n >= rest.Length || rest[n] != '.')
            return false;
        rest = rest[(n + 1)..];
        return Utf8Parser.TryParse(rest, out ticks, out _);
    }
}
