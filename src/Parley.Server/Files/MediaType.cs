namespace Parley.Server.Files;

/// <summary>
/// What a file's bytes say it is (<see cref="MediaSniffer"/>), never what its name or an upload's
/// header claims. <see cref="Extension"/> starts with a dot, like <see cref="Path.GetExtension(string)"/>.
/// <see cref="IsRasterImage"/> is true only for the formats <see cref="ImageProcessor"/> re-encodes
/// and browsers show inline (JPEG, PNG, GIF, WebP); every other type is served as an attachment.
/// </summary>
public sealed record MediaType(string Mime, string Extension, bool IsRasterImage)
{
    public static readonly MediaType Jpeg = new("image/jpeg", ".jpg", true);
    public static readonly MediaType Png = new("image/png", ".png", true);
    public static readonly MediaType Gif = new("image/gif", ".gif", true);
    public static readonly MediaType Webp = new("image/webp", ".webp", true);
    // Images that are neither re-encoded nor shown inline: Skia here cannot decode HEIC or AVIF,
    // and BMP is rare enough in chat not to be worth a decoder's attack surface.
    public static readonly MediaType Bmp = new("image/bmp", ".bmp", false);
    public static readonly MediaType Heic = new("image/heic", ".heic", false);
    public static readonly MediaType Avif = new("image/avif", ".avif", false);
    public static readonly MediaType Pdf = new("application/pdf", ".pdf", false);
    public static readonly MediaType Zip = new("application/zip", ".zip", false);
    public static readonly MediaType Gzip = new("application/gzip", ".gz", false);
    public static readonly MediaType Mp4 = new("video/mp4", ".mp4", false);
    public static readonly MediaType QuickTime = new("video/quicktime", ".mov", false);
    public static readonly MediaType M4a = new("audio/mp4", ".m4a", false);
    public static readonly MediaType ThreeGp = new("video/3gpp", ".3gp", false);
    public static readonly MediaType Webm = new("video/webm", ".webm", false);
    public static readonly MediaType Matroska = new("video/x-matroska", ".mkv", false);
    public static readonly MediaType Avi = new("video/x-msvideo", ".avi", false);
    public static readonly MediaType Mp3 = new("audio/mpeg", ".mp3", false);
    public static readonly MediaType Aac = new("audio/aac", ".aac", false);
    public static readonly MediaType Ogg = new("audio/ogg", ".ogg", false);
    public static readonly MediaType Flac = new("audio/flac", ".flac", false);
    public static readonly MediaType Wav = new("audio/wav", ".wav", false);
    /// <summary>UTF-8 text, which includes SVG, HTML and any other markup: never given a type a browser would render.</summary>
    public static readonly MediaType Text = new("text/plain", ".txt", false);
    public static readonly MediaType OctetStream = new("application/octet-stream", ".bin", false);
}
