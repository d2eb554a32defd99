using System.Diagnostics;
using SkiaSharp;

namespace Parley.Server.Files;

// An upright JPEG loses its metadata without being decoded and encoded again: its segments are
// copied without the metadata ones and its entropy-coded data byte for byte (JpegCopyPlan says
// what is kept and why). No quality is lost, and neither the full image's pixels nor the
// encoder's coefficients are ever in memory. A turned JPEG must have its pixels moved, so it is
// re-encoded; so is one whose structure the plan does not fully understand.
public sealed partial class ImageProcessor
{
    /// <summary>How to copy this upright JPEG without its metadata, or null when it is to be re-encoded.</summary>
    /// <exception cref="ImageRefusedException">Its segments run past the end of the file, or it ends before its end-of-image marker.</exception>
    private static JpegCopyPlan? CopyPlan(string inputPath, SKCodec codec)
    {
        // Unbuffered: the plan reads through its own buffer.
        using var input = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        if (!JpegCopyPlan.TryRead(input, out var plan, out _))
            return null;
        // The frame header Skia read must be the one the plan copies.
        return (plan.Width, plan.Height) == (codec.Info.Width, codec.Info.Height) ? plan : null;
    }

    private ImageFacts StripJpeg(string inputPath, SKCodec codec, JpegCopyPlan plan, Stream output, Stream thumbnail,
        ImageTimings? timings, long start, TimeSpan planTime)
    {
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        var (thumbWidth, thumbHeight) = ThumbnailSize(width, height);
        if (timings is not null)
            timings.Header = Stopwatch.GetElapsedTime(start) - planTime;

        // The thumbnail's decode is also the proof that Skia can read the image, before a byte of
        // it is handed out: even at 1/8 of the size, every scan is entropy-decoded to its end, so
        // corrupt or cut data is found as in a full decode. Only a picture of about the
        // thumbnail's size is decoded whole.
        var step = Stopwatch.GetTimestamp();
        string thumbMime;
        if (ReducedSize(codec, thumbWidth, thumbHeight, SKEncodedOrigin.TopLeft) is { } reduced)
        {
            using var small = DecodeReduced(codec, reduced);
            thumbMime = WriteThumbnail(small, SKEncodedOrigin.TopLeft, thumbWidth, thumbHeight, thumbnail);
        }
        else
        {
            using var whole = DecodeUpright(codec, SKEncodedOrigin.TopLeft, SKAlphaType.Opaque);
            thumbMime = WriteThumbnail(whole, SKEncodedOrigin.TopLeft, thumbWidth, thumbHeight, thumbnail);
        }
        if (timings is not null)
            timings.Thumbnail = Stopwatch.GetElapsedTime(step);

        step = Stopwatch.GetTimestamp();
        using (var input = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
            plan.CopyTo(input, output);
        if (timings is not null)
            timings.Encode = planTime + Stopwatch.GetElapsedTime(step);
        return new ImageFacts(width, height, MediaType.Jpeg.Mime, thumbWidth, thumbHeight) { ThumbMime = thumbMime };
    }
}
