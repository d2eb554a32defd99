namespace Parley.Core.Model;

/// <summary>
/// An uploaded file as the store keeps it: what a message shows of it (<see cref="Attachment"/>),
/// where its bytes are (<see cref="Hash"/>, and <see cref="ThumbHash"/> for its thumbnail, each
/// a blob's SHA-256), who uploaded it, and the conversation it was sent in (null until sent: an
/// upload is sent once, by its uploader).
/// </summary>
public sealed record StoredFile(Attachment Attachment, string Hash, string? ThumbHash, string OwnerKey, DateTimeOffset Created, string? Conversation)
{
    public string Id => Attachment.Id;
}
