namespace Parley.Core.Storage;

/// <summary>
/// A sign-in token as the store has it: its user's display name, and when it was last used to sign
/// in or upload (null for a token saved before Parley kept that: it counts as used now).
/// </summary>
public sealed record TokenUse(string UserName, DateTimeOffset? LastUsed);
