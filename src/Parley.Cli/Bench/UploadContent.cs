using System.Net;

namespace Parley.Cli.Bench;

/// <summary>
/// An upload's body, written as the request goes: a head of its own, then one shared block over
/// and over until the length, so a hundred 5-MiB uploads in flight hold a few hundred kilobytes of
/// the generator's memory, not 500 MiB. The length is known, so it goes as Content-Length (the
/// server refuses an upload over its limit from that alone).
/// </summary>
public sealed class UploadContent(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> block, long length) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var left = length;
        var first = head[..(int)Math.Min(head.Length, left)];
        await stream.WriteAsync(first, cancellationToken).ConfigureAwait(false);
        left -= first.Length;
        while (left > 0)
        {
            if (block.IsEmpty)
                throw new InvalidOperationException("an upload longer than its head needs a block to repeat");
            var part = block[..(int)Math.Min(block.Length, left)];
            await stream.WriteAsync(part, cancellationToken).ConfigureAwait(false);
            left -= part.Length;
        }
    }

    protected override bool TryComputeLength(out long length1)
    {
        length1 = length;
        return true;
    }
}
