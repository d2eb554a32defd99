namespace Parley.Client.Model;

/// <summary>
/// A file a message carries (docs/protocol.md, "Files"), or one just uploaded and not yet sent.
/// <see cref="Type"/> is what the server told from the bytes, never the name. <see
/// cref="Width"/> and <see cref="Height"/> are a picture's, upright, so a client can size it before
/// it loads. <see cref="Url"/> and <see cref="ThumbUrl"/> are signed links that need no sign-in,
/// valid for a week or more (history read later gives new ones). Both are absolute, the server's
/// paths put after the sign-in reply's <c>http</c> (or, before one came, the HTTP address of
/// <see cref="ParleyClientOptions.WebSocketUri"/>); only a message that came over TCP before the
/// first sign-in reply, when the address is not known yet, has them relative.
/// </summary>
/// <param name="ThumbUrl">A JPEG or PNG of at most 320 pixels a side; pictures only.</param>
public sealed record Attachment(string Id, string Name, long Size, string Type, int? Width, int? Height, Uri Url, Uri? ThumbUrl)
{
    /// <summary>A picture a client shows inline: a raster image whose size the server knows.</summary>
    public bool IsImage => Width is not null && Type.StartsWith("image/", StringComparison.Ordinal);
}
