namespace Parley.Core.Model;

/// <summary>
/// A file a message carries, as everyone in the conversation sees it: what it is, never where its
/// bytes are (<see cref="StoredFile"/>). <see cref="Width"/> and <see cref="Height"/> are an image's,
/// upright, so a client sizes its bubble before the picture loads; <see cref="HasThumb"/> says
/// there is a small copy to show in the bubble.
/// </summary>
public sealed record Attachment(string Id, string Name, long Size, string Type, int? Width, int? Height, bool HasThumb)
{
    /// <summary>A picture a client shows inline (a raster image with its size known).</summary>
    public bool IsImage => Width is not null && Type.StartsWith("image/", StringComparison.Ordinal);
}
