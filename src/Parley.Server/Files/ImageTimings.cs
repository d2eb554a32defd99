namespace Parley.Server.Files;

/// <summary>
/// Where one <see cref="ImageProcessor.Process(string, Stream, Stream, ImageTimings)"/> spent its
/// time, step by step, for benchmarks and for logging slow uploads. Steps a call did not take stay zero.
/// </summary>
public sealed class ImageTimings
{
    /// <summary>Sniffing and reading the header (size, format, orientation).</summary>
    public TimeSpan Header { get; internal set; }

    /// <summary>The whole thumbnail: its reduced-scale decode (where the codec allows), orientation, resizing and encoding.</summary>
    public TimeSpan Thumbnail { get; internal set; }

    /// <summary>Decoding the full image, with its orientation applied on the way (zero for an upright JPEG, which is copied).</summary>
    public TimeSpan Decode { get; internal set; }

    /// <summary>Encoding the full image, or copying it (GIF, animated WebP; an upright JPEG: reading its segments, then copying it without its metadata).</summary>
    public TimeSpan Encode { get; internal set; }

    public TimeSpan Total { get; internal set; }
}
