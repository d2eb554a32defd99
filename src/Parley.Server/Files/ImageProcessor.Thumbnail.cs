using SkiaSharp;

namespace Parley.Server.Files;

public sealed partial class ImageProcessor
{
    /// <summary>
    /// Scales <paramref name="source"/> (stored pixels, turned by <paramref name="origin"/>) into a
    /// thumbnail of exactly the given upright size and encodes it: JPEG, or PNG when a pixel is
    /// not fully opaque. Returns the thumbnail's MIME type.
    /// </summary>
    private string WriteThumbnail(SKBitmap source, SKEncodedOrigin origin, int width, int height, Stream thumbnail)
    {
        var (storedWidth, storedHeight) = Upright(width, height, origin);
        var halved = new List<SKBitmap>();
        try
        {
            // A cubic filter reads 4 × 4 pixels around each sample: past a 2× reduction it skips
            // pixels and aliases. Halving first with a linear filter, which samples exactly between
            // four pixels, averages them all.
            var current = source;
            while (current.Width >= 2 * storedWidth && current.Height >= 2 * storedHeight && current.Width > 1 && current.Height > 1)
            {
                var half = Allocate(DecodeInfo((current.Width + 1) / 2, (current.Height + 1) / 2, SKAlphaType.Premul));
                halved.Add(half);
                using (var from = current.PeekPixels())
                using (var to = half.PeekPixels())
                {
                    if (!from.ScalePixels(to, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None)))
                        throw new InvalidOperationException("Skia could not halve the image for its thumbnail");
                }
                current = half;
            }

            using var thumb = Allocate(DecodeInfo(width, height, SKAlphaType.Premul));
            using (var canvas = new SKCanvas(thumb))
            using (var pixels = current.PeekPixels())
            using (var image = SKImage.FromPixels(pixels))
            {
                canvas.Clear(SKColors.Transparent);
                var (currentWidth, currentHeight) = Upright(current.Width, current.Height, origin);
                var fit = SKMatrix.CreateScale((float)width / currentWidth, (float)height / currentHeight);
                canvas.SetMatrix(fit.PreConcat(OrientationMatrix(origin, current.Width, current.Height)));
                // Mitchell's filter softens a little even at 1:1; an image already of the thumbnail's size is copied exactly.
                var sampling = (currentWidth, currentHeight) == (width, height)
                    ? new SKSamplingOptions(SKFilterMode.Nearest)
                    : new SKSamplingOptions(SKCubicResampler.Mitchell);
                canvas.DrawImage(image, 0, 0, sampling);
            }
            var transparent = source.AlphaType != SKAlphaType.Opaque && HasTransparency(thumb);
            using var thumbPixels = Untagged(thumb);
            if (transparent)
            {
                WriteGuarded(thumbnail, s => thumbPixels.Encode(s, SKPngEncoderOptions.Default), "thumbnail");
                return MediaType.Png.Mime;
            }
            WriteGuarded(thumbnail, s => thumbPixels.Encode(s, new SKJpegEncoderOptions(_limits.JpegQuality)), "thumbnail");
            return MediaType.Jpeg.Mime;
        }
        finally
        {
            foreach (var bitmap in halved)
                bitmap.Dispose();
        }
    }

    /// <summary>Whether any pixel's alpha (the top byte of the word in both 32-bit orders Skia uses) is below 255.</summary>
    private static bool HasTransparency(SKBitmap bitmap)
    {
        foreach (var word in Words(bitmap))
        {
            if (word < 0xFF00_0000)
                return true;
        }
        return false;
    }
}
