namespace Parley.Server.Files;

/// <summary>Limits and settings of <see cref="ImageProcessor"/>.</summary>
public sealed record ImageLimits
{
    /// <summary>
    /// Images with more pixels are refused from their header, before any decoding. Processing a
    /// turned JPEG needs about 7 bytes a pixel at once (see <see cref="ImageProcessor"/>; an upright
    /// one, copied, almost nothing): the default lets a 40 MP photo take 280 MB while it is
    /// processed (a 12 MP one 82 MiB); lower it where memory is tight.
    /// </summary>
    public long MaxPixels { get; init; } = 40_000_000;

    /// <summary>Thumbnails fit in a square of this many pixels a side.</summary>
    public int ThumbSize { get; init; } = 320;

    /// <summary>Quality (1-100) of re-encoded JPEG and lossy WebP images and of JPEG thumbnails.</summary>
    public int JpegQuality { get; init; } = 88;
}
