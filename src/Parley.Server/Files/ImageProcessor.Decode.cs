using SkiaSharp;

namespace Parley.Server.Files;

// Decoding: always to 32-bit sRGB pixels (so thumbnails and re-encoded images carry no colour
// profile and show the same everywhere), and always checked: a decoder that ran out of data fills
// the rest with blank pixels and says so, and such an image is refused instead of served half
// grey. (A JPEG whose scan data stops early at a marker, with the file's end still to come, is
// not reported by libjpeg, which only warns: it is served with its missing part blank.)
public sealed partial class ImageProcessor
{
    /// <summary>Stored rows decoded at a time before they are turned: a few JPEG MCU rows, half a megabyte for a 4000-pixel-wide photo.</summary>
    private const int BandRows = 32;

    private static SKImageInfo DecodeInfo(int width, int height, SKAlphaType alpha) =>
        new(width, height, SKImageInfo.PlatformColorType, alpha, SKColorSpace.CreateSrgb());

    /// <summary>The whole image (the first frame of an animation), upright.</summary>
    private static SKBitmap DecodeUpright(SKCodec codec, SKEncodedOrigin origin, SKAlphaType alpha)
    {
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        var stored = DecodeInfo(width, height, alpha);
        var (uprightWidth, uprightHeight) = Upright(width, height, origin);
        var upright = Allocate(stored.WithSize(uprightWidth, uprightHeight));
        try
        {
            if (origin == SKEncodedOrigin.TopLeft)
                Check(codec.GetPixels(stored, upright.GetPixels(), upright.RowBytes, SKCodecOptions.Default));
            else if (!DecodeInBands(codec, stored, origin, upright))
            {
                // No scanline decoder (WebP, interlaced PNG): a second full-size buffer for a moment.
                using var whole = Allocate(stored);
                Check(codec.GetPixels(stored, whole.GetPixels(), whole.RowBytes, SKCodecOptions.Default));
                Place(Words(whole), width, height, 0, height, origin, Words(upright));
            }
            return upright;
        }
        catch
        {
            upright.Dispose();
            throw;
        }
    }

    private static bool DecodeInBands(SKCodec codec, SKImageInfo stored, SKEncodedOrigin origin, SKBitmap upright)
    {
        if (codec.StartScanlineDecode(stored) != SKCodecResult.Success || codec.ScanlineOrder != SKCodecScanlineOrder.TopDown)
            return false;
        var rows = Math.Min(BandRows, stored.Height);
        using var band = Allocate(stored.WithSize(stored.Width, rows));
        var target = Words(upright);
        for (var y = 0; y < stored.Height; y += rows)
        {
            var count = Math.Min(rows, stored.Height - y);
            if (codec.GetScanlines(band.GetPixels(), count, band.RowBytes) < count)
                throw ImageRefusedException.BadImage($"its data ends or breaks before row {y + count} of {stored.Height}");
            Place(Words(band), stored.Width, stored.Height, y, count, origin, target);
        }
        return true;
    }

    /// <summary>
    /// The size to decode at for a thumbnail of <paramref name="thumbWidth"/> × <paramref name="thumbHeight"/>
    /// (upright), or null when the codec cannot decode smaller than the full size (PNG, GIF).
    /// JPEG decodes at 1/8, 1/4, 3/8... of its size, rounding up, so the result is never smaller than asked.
    /// </summary>
    private static SKSizeI? ReducedSize(SKCodec codec, int thumbWidth, int thumbHeight, SKEncodedOrigin origin)
    {
        var (storedThumbWidth, storedThumbHeight) = Upright(thumbWidth, thumbHeight, origin);
        var scale = Math.Max((float)storedThumbWidth / codec.Info.Width, (float)storedThumbHeight / codec.Info.Height);
        var size = codec.GetScaledDimensions(scale);
        return size.Width < codec.Info.Width && size.Width > 0 && size.Height > 0 ? size : null;
    }

    private static SKBitmap DecodeReduced(SKCodec codec, SKSizeI size)
    {
        var info = DecodeInfo(size.Width, size.Height, SKAlphaType.Premul);
        var bitmap = Allocate(info);
        try
        {
            Check(codec.GetPixels(info, bitmap.GetPixels(), bitmap.RowBytes, SKCodecOptions.Default));
            return bitmap;
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }
    }

    private static SKBitmap Allocate(SKImageInfo info)
    {
        var bitmap = new SKBitmap();
        if (bitmap.TryAllocPixels(info))
            return bitmap;
        bitmap.Dispose();
        throw new InsufficientMemoryException($"could not allocate {info.BytesSize64:N0} bytes for a {info.Width}×{info.Height} image");
    }

    private static void Check(SKCodecResult result)
    {
        switch (result)
        {
            case SKCodecResult.Success:
                return;
            case SKCodecResult.IncompleteInput:
                throw ImageRefusedException.BadImage("its data ends before the last row (a truncated file)");
            case SKCodecResult.ErrorInInput:
                throw ImageRefusedException.BadImage("its data is corrupt part of the way through");
            case SKCodecResult.InvalidInput or SKCodecResult.Unimplemented or SKCodecResult.InvalidConversion:
                throw ImageRefusedException.BadImage($"the decoder cannot read it ({result})");
            default:
                // InvalidScale, InvalidParameters, CouldNotRewind, InternalError: asked wrongly, a bug here.
                throw new InvalidOperationException($"Skia refused to decode: {result}");
        }
    }
}
