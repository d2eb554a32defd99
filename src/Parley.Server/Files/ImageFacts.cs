namespace Parley.Server.Files;

/// <summary>
/// What <see cref="ImageProcessor.Process(string, Stream, Stream)"/> made: the upright size and type
/// of the image others download, and the size and type of its thumbnail (image/jpeg, or image/png
/// when the thumbnail has transparency), so a client can lay the picture out before it loads.
/// </summary>
public sealed record ImageFacts(int Width, int Height, string Mime, int ThumbWidth, int ThumbHeight)
{
    public string ThumbMime { get; init; } = MediaType.Jpeg.Mime;
}
