using System.Diagnostics;
using Parley.Server.Hosting;
using SkiaSharp;

namespace Parley.Server.Files;

/// <summary>
/// Turns an uploaded image into the image others download and its thumbnail (SkiaSharp). Holds no
/// state but its limits: one instance may serve every upload, from any thread.
/// </summary>
/// <remarks>
/// <para>Memory, all native. An upright JPEG, most photos, is never decoded at full size: its
/// thumbnail comes from a reduced-scale decode (a 500×375 bitmap for a 12-megapixel photo) and the
/// image itself is copied without its metadata (<see cref="JpegCopyPlan"/>). Measured with
/// <c>parley bench thumbnail</c> (docs/benchmarks.md), such a 12-megapixel JPEG raises the
/// process's peak resident memory by 1.2 MiB, in 64 ms on one core. A progressive one costs
/// libjpeg's coefficient buffer, which holds the whole image's DCT coefficients while it reads the
/// scans (2 bytes each: about 3 bytes a pixel at 4:2:0, 36 MiB, measured 35.6 MiB; 250 ms).</para>
/// <para>Every other image, a turned JPEG among them, is decoded once, at 4 bytes a pixel,
/// straight into its upright place (orientation is applied while decoding, 32 rows at a time, so
/// a rotated photo needs no second copy; only WebP and interlaced PNG, which have no row-by-row
/// decoder, take a second copy for a moment when they must be turned). Skia's JPEG encoder then
/// keeps every DCT coefficient of the image to optimise its Huffman tables: about 3 bytes a pixel
/// more (4:2:0). The thumbnail's buffers and the decoders' are small. A turned 12-megapixel JPEG
/// raises the peak by 82 MiB (45.8 MiB of pixels, 35 MiB of coefficients) in about 0.5 s, a
/// progressive one by about 3 bytes a pixel more again.</para>
/// <para>Once a call returns, 0.2 MiB or less is left, as it trims the C heap; managed
/// allocations are about 7 KiB a call. So a server that must keep its growth small runs one call
/// at a time and sets <see cref="ImageLimits.MaxPixels"/> for its budget at about 7 bytes a pixel
/// (10 for progressive JPEGs), the cost of the turned ones.</para>
/// </remarks>
public sealed partial class ImageProcessor(ImageLimits limits)
{
    private readonly ImageLimits _limits = Checked(limits);

    /// <summary>
    /// Reads the image at <paramref name="inputPath"/> (a complete file), writes the image others
    /// will download to <paramref name="output"/> and its thumbnail to <paramref name="thumbnail"/>,
    /// and returns their upright sizes and types.
    /// </summary>
    /// <remarks>
    /// <para>The type comes from the bytes (<see cref="MediaSniffer"/>), and the decoder must agree
    /// with it. An image with more than <see cref="ImageLimits.MaxPixels"/> pixels is refused from
    /// its header alone, before any pixel is decoded, so a small file claiming a huge size (a
    /// decompression bomb) costs nothing.</para>
    /// <para>The output carries no metadata (EXIF with its GPS position, XMP, IPTC, comments). An
    /// upright JPEG (EXIF orientation 1 or none) is not decoded and encoded again: its metadata
    /// segments are left out and everything else, its image data above all, is copied byte for
    /// byte, so it loses no quality (<see cref="JpegCopyPlan"/> says what is kept: JFIF, the Adobe
    /// colour-transform segment, and the ICC colour profile, which its colours need). Other JPEG,
    /// PNG and still WebP images are decoded, turned upright by their EXIF orientation, converted
    /// to sRGB and encoded again without a colour profile (JPEG and lossy WebP at
    /// <see cref="ImageLimits.JpegQuality"/>, PNG and lossless WebP losslessly); so is an upright
    /// JPEG whose structure the copier does not fully understand. So an upright JPEG with a
    /// profile (a phone's Display P3 photo) keeps its gamut and is shown in it by colour-managed
    /// viewers, while a turned one is clipped to sRGB. GIF is copied byte for byte, which keeps
    /// its animation: GIF has no EXIF, and its comment and application blocks are left as they
    /// are. An animated WebP keeps its frames too: its EXIF and XMP chunks are cut out and
    /// everything else is copied.</para>
    /// <para>The thumbnail fits in <see cref="ImageLimits.ThumbSize"/> a side, keeps the aspect
    /// ratio, is never larger than the image, and is a JPEG, or a PNG when it has transparent
    /// pixels. JPEG and WebP are decoded for it at a reduced scale (a JPEG at 1/8 to 1/2 from its
    /// DCT coefficients), so a 12-megapixel photo's thumbnail is quick.</para>
    /// <para>Neither stream is closed. If one of them throws, the exception comes out of this
    /// method once the encoder has stopped (never through the native encoder, which would end
    /// the process).</para>
    /// </remarks>
    /// <exception cref="ImageRefusedException">Too many pixels, not a decodable image of the type its bytes claim, or a JPEG whose segments run past its end or that ends before its end-of-image marker.</exception>
    public ImageFacts Process(string inputPath, Stream output, Stream thumbnail) => Process(inputPath, output, thumbnail, null);

    /// <inheritdoc cref="Process(string, Stream, Stream)"/>
    /// <param name="timings">When given, filled with the time each step took.</param>
    public ImageFacts Process(string inputPath, Stream output, Stream thumbnail, ImageTimings? timings)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(thumbnail);
        var start = Stopwatch.GetTimestamp();
        var type = SniffFile(inputPath);
        if (!type.IsRasterImage)
            throw ImageRefusedException.BadImage($"its bytes are {type.Mime}, not JPEG, PNG, GIF or WebP");
        using var codec = SKCodec.Create(inputPath, out var created)
            ?? throw ImageRefusedException.BadImage($"it starts like {type.Mime} but its header does not decode ({created})");
        if (FormatType(codec.EncodedFormat) != type)
            throw ImageRefusedException.BadImage($"it starts like {type.Mime} but decodes as {codec.EncodedFormat}");
        var stored = codec.Info;
        if (stored.Width <= 0 || stored.Height <= 0)
            throw ImageRefusedException.BadImage($"its header gives a size of {stored.Width}×{stored.Height}");
        if ((long)stored.Width * stored.Height > _limits.MaxPixels)
            throw ImageRefusedException.TooLarge(stored.Width, stored.Height, _limits.MaxPixels);

        // Copied formats keep their pixels as stored, so they are shown as stored.
        var copied = type == MediaType.Gif || (type == MediaType.Webp && codec.FrameCount > 1);
        var origin = copied ? SKEncodedOrigin.TopLeft : codec.EncodedOrigin;
        try
        {
            JpegCopyPlan? plan = null;
            var planTime = TimeSpan.Zero;
            if (type == MediaType.Jpeg && origin == SKEncodedOrigin.TopLeft)
            {
                var step = Stopwatch.GetTimestamp();
                plan = CopyPlan(inputPath, codec);
                planTime = Stopwatch.GetElapsedTime(step);
            }
            var facts = copied ? Copy(inputPath, type, codec, output, thumbnail, timings, start)
                : plan is not null ? StripJpeg(inputPath, codec, plan, output, thumbnail, timings, start, planTime)
                : Reencode(inputPath, type, codec, origin, output, thumbnail, timings, start);
            if (timings is not null)
                timings.Total = Stopwatch.GetElapsedTime(start);
            return facts;
        }
        finally
        {
            // Buffers under glibc's mmap ceiling (32 MiB), such as the JPEG encoder's coefficients
            // or a progressive JPEG decoder's, go back to its heap when freed and stay resident
            // until trimmed: 35 MiB after each 12-megapixel photo, kept until the server's next
            // quiet tick, if any.
            if ((long)stored.Width * stored.Height * 4 >= TrimAfterBytes)
                NativeHeap.Trim();
        }
    }

    /// <summary>Images whose pixels take at least this much are followed by a trim of the C heap (under a millisecond).</summary>
    private const long TrimAfterBytes = 4 << 20;

    private ImageFacts Reencode(string inputPath, MediaType type, SKCodec codec, SKEncodedOrigin origin, Stream output, Stream thumbnail,
        ImageTimings? timings, long start)
    {
        var (width, height) = Upright(codec.Info.Width, codec.Info.Height, origin);
        var (thumbWidth, thumbHeight) = ThumbnailSize(width, height);
        if (timings is not null)
            timings.Header = Stopwatch.GetElapsedTime(start);

        // A thumbnail from a reduced-scale decode is made first, while the full image's buffer
        // does not exist yet; otherwise it is made from that buffer, before it is freed.
        string? thumbMime = null;
        var step = Stopwatch.GetTimestamp();
        if (ReducedSize(codec, thumbWidth, thumbHeight, origin) is { } reduced)
        {
            using var small = DecodeReduced(codec, reduced);
            thumbMime = WriteThumbnail(small, origin, thumbWidth, thumbHeight, thumbnail);
            if (timings is not null)
                timings.Thumbnail = Stopwatch.GetElapsedTime(step);
        }

        step = Stopwatch.GetTimestamp();
        var opaque = type == MediaType.Jpeg || codec.Info.AlphaType == SKAlphaType.Opaque;
        using var upright = DecodeUpright(codec, origin, opaque ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        if (timings is not null)
            timings.Decode = Stopwatch.GetElapsedTime(step);

        step = Stopwatch.GetTimestamp();
        Encode(upright, type, type == MediaType.Webp && IsLosslessWebp(inputPath), output);
        if (timings is not null)
            timings.Encode = Stopwatch.GetElapsedTime(step);

        if (thumbMime is null)
        {
            step = Stopwatch.GetTimestamp();
            thumbMime = WriteThumbnail(upright, SKEncodedOrigin.TopLeft, thumbWidth, thumbHeight, thumbnail);
            if (timings is not null)
                timings.Thumbnail = Stopwatch.GetElapsedTime(step);
        }
        return new ImageFacts(width, height, type.Mime, thumbWidth, thumbHeight) { ThumbMime = thumbMime };
    }

    private ImageFacts Copy(string inputPath, MediaType type, SKCodec codec, Stream output, Stream thumbnail, ImageTimings? timings, long start)
    {
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        var (thumbWidth, thumbHeight) = ThumbnailSize(width, height);
        if (timings is not null)
            timings.Header = Stopwatch.GetElapsedTime(start);

        // The first frame is decoded whole even when only a thumbnail comes of it: it proves the
        // file is an image before it is handed out as one.
        var step = Stopwatch.GetTimestamp();
        string thumbMime;
        using (var first = DecodeUpright(codec, SKEncodedOrigin.TopLeft, SKAlphaType.Premul))
            thumbMime = WriteThumbnail(first, SKEncodedOrigin.TopLeft, thumbWidth, thumbHeight, thumbnail);
        if (timings is not null)
            timings.Thumbnail = Stopwatch.GetElapsedTime(step);

        step = Stopwatch.GetTimestamp();
        using (var input = File.OpenRead(inputPath))
        {
            if (type == MediaType.Webp)
                CopyWebpWithoutMetadata(input, output);
            else
                input.CopyTo(output);
        }
        if (timings is not null)
            timings.Encode = Stopwatch.GetElapsedTime(step);
        return new ImageFacts(width, height, type.Mime, thumbWidth, thumbHeight) { ThumbMime = thumbMime };
    }

    private static MediaType SniffFile(string path)
    {
        Span<byte> head = stackalloc byte[MediaSniffer.HeadBytes];
        using var file = File.OpenRead(path);
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return MediaSniffer.Sniff(head[..read]);
    }

    private static MediaType? FormatType(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Jpeg => MediaType.Jpeg,
        SKEncodedImageFormat.Png => MediaType.Png,
        SKEncodedImageFormat.Gif => MediaType.Gif,
        SKEncodedImageFormat.Webp => MediaType.Webp,
        _ => null,
    };

    /// <summary>Fits the upright image in ThumbSize × ThumbSize, never larger than it is.</summary>
    private (int Width, int Height) ThumbnailSize(int width, int height)
    {
        var scale = Math.Min(1.0, (double)_limits.ThumbSize / Math.Max(width, height));
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    private static ImageLimits Checked(ImageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxPixels, 1, nameof(limits.MaxPixels));
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.ThumbSize, 1, nameof(limits.ThumbSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.JpegQuality, 1, nameof(limits.JpegQuality));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limits.JpegQuality, 100, nameof(limits.JpegQuality));
        return limits;
    }
}
