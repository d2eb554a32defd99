using System.Runtime.InteropServices;
using SkiaSharp;

namespace Parley.Server.Files;

// EXIF orientation: how the stored pixels must be turned to be upright. Origins 5 to 8 swap
// width and height.
public sealed partial class ImageProcessor
{
    private static bool Transposes(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    private static (int Width, int Height) Upright(int width, int height, SKEncodedOrigin origin) =>
        Transposes(origin) ? (height, width) : (width, height);

    /// <summary>Maps the stored image's coordinates (a width × height rectangle) to upright ones.</summary>
    private static SKMatrix OrientationMatrix(SKEncodedOrigin origin, float width, float height) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, width, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, width, 0, -1, height, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, height, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, height, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, height, -1, 0, width, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, width, 0, 0, 1),
        _ => SKMatrix.Identity,
    };

    /// <summary>
    /// Copies <paramref name="rows"/> stored rows (starting at stored row <paramref name="firstRow"/>
    /// of an image <paramref name="width"/> × <paramref name="height"/>) to their upright places in
    /// <paramref name="upright"/>. Pixels are moved whole as 32-bit words, whatever their channel order.
    /// </summary>
    /// <remarks>
    /// A transposing origin turns each stored row into a column; the band is walked column by
    /// column so that each upright row receives the band's pixels as one contiguous run, a cache
    /// line or two, instead of one scattered word per row.
    /// </remarks>
    private static void Place(ReadOnlySpan<uint> band, int width, int height, int firstRow, int rows, SKEncodedOrigin origin, Span<uint> upright)
    {
        if (!Transposes(origin))
        {
            var mirrored = origin is SKEncodedOrigin.TopRight or SKEncodedOrigin.BottomRight;
            var flipped = origin is SKEncodedOrigin.BottomRight or SKEncodedOrigin.BottomLeft;
            for (var r = 0; r < rows; r++)
            {
                var y = firstRow + r;
                var source = band.Slice(r * width, width);
                var target = upright.Slice((flipped ? height - 1 - y : y) * width, width);
                source.CopyTo(target);
                if (mirrored)
                    target.Reverse();
            }
            return;
        }
        // Upright rows are `height` wide: stored column x becomes upright row x (or width-1-x), and
        // stored row y becomes upright column y (or height-1-y).
        var columnsReversed = origin is SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom;
        var rowsReversed = origin is SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        for (var x = 0; x < width; x++)
        {
            var target = upright.Slice((rowsReversed ? width - 1 - x : x) * height, height);
            if (columnsReversed)
            {
                var column = height - 1 - firstRow;
                for (var r = 0; r < rows; r++)
                    target[column - r] = band[r * width + x];
            }
            else
            {
                var run = target.Slice(firstRow, rows);
                for (var r = 0; r < run.Length; r++)
                    run[r] = band[r * width + x];
            }
        }
    }

    private static Span<uint> Words(SKBitmap bitmap) => MemoryMarshal.Cast<byte, uint>(bitmap.GetPixelSpan());
}
