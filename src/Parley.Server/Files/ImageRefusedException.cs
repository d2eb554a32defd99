namespace Parley.Server.Files;

/// <summary>
/// An uploaded image that <see cref="ImageProcessor"/> will not accept. <see cref="Code"/> is a
/// stable error code for the client; the message says what was wrong, for the log.
/// </summary>
public sealed class ImageRefusedException(string code, string message) : Exception(message)
{
    /// <summary>More pixels than <see cref="ImageLimits.MaxPixels"/>, judged from the header alone.</summary>
    public const string TooLargeCode = Core.Model.ErrorCodes.ImageTooLarge;

    /// <summary>Not decodable: not an image, truncated, corrupt, or not the format its first bytes claim.</summary>
    public const string BadImageCode = Core.Model.ErrorCodes.BadImage;

    public string Code { get; } = code;

    internal static ImageRefusedException TooLarge(int width, int height, long maxPixels) =>
        new(TooLargeCode, $"the image is {width}×{height} = {(long)width * height:N0} pixels, more than the limit of {maxPixels:N0} (ImageLimits.MaxPixels)");

    internal static ImageRefusedException BadImage(string why) => new(BadImageCode, "the image cannot be used: " + why);
}
