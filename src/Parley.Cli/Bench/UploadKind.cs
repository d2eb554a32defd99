namespace Parley.Cli.Bench;

/// <summary>What `bench fanout --uploads` uploads.</summary>
public enum UploadKind
{
    /// <summary>Random bytes (stored as sent, <c>application/octet-stream</c>): the server only streams them to disk.</summary>
    File,

    /// <summary>A photo-like 12-megapixel JPEG: the server also decodes it, re-encodes it and makes its thumbnail.</summary>
    Photo,
}
