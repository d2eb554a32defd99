using System.Diagnostics;
using System.Net;

namespace Parley.Cli.Bench;

/// <summary>
/// An upload's body, written as the request goes: a head of its own, then one shared block over
/// and over until the length, so a hundred 5-MiB uploads in flight hold a few hundred kilobytes of
/// the generator's memory, not 500 MiB. The length is known, so it goes as Content-Length (the
/// server refuses an upload over its limit from that alone). With <paramref name="bytesPerSecond"/>
/// it is written in 64-KiB pieces no faster than that, as a client on a real link sends.
/// </summary>
public sealed class UploadContent(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> block, long length, double bytesPerSecond = 0) : HttpContent
{
    private const int PacedPiece = 64 * 1024;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        long written = 0;
        while (written < length)
        {
            var source = written < head.Length ? head[(int)written..] : Block(written - head.Length);
            var piece = source[..(int)Math.Min(Math.Min(source.Length, length - written), bytesPerSecond > 0 ? PacedPiece : int.MaxValue)];
            if (bytesPerSecond > 0)
            {
                var ahead = written / bytesPerSecond - Stopwatch.GetElapsedTime(started).TotalSeconds;
                if (ahead > 0.001)
                    await Task.Delay(TimeSpan.FromSeconds(ahead), cancellationToken).ConfigureAwait(false);
            }
            await stream.WriteAsync(piece, cancellationToken).ConfigureAwait(false);
            written += piece.Length;
        }
    }

    /// <summary>The block from <paramref name="offset"/> (past the head) to its end.</summary>
    private ReadOnlyMemory<byte> Block(long offset) =>
        block.IsEmpty ? throw new InvalidOperationException("an upload longer than its head needs a block to repeat") : block[(int)(offset % block.Length)..];

    protected override bool TryComputeLength(out long length1)
    {
        length1 = length;
        return true;
    }
}
