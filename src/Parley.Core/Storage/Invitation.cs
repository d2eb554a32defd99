namespace Parley.Core.Storage;

/// <summary>
/// An invitation to register, as the store keeps it: the code's SHA-256 (never the code), how many
/// more registrations it admits, and when it stops admitting any (null: never).
/// </summary>
public sealed record Invitation(string CodeHash, int Uses, DateTimeOffset? Expires, DateTimeOffset Created);
