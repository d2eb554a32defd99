namespace Parley.Core.Policy;

/// <summary>
/// Fixed limits of the people ops (docs/protocol.md): small enough that a directory page or a
/// profile costs little to store, send and show; not settings, as no deployment needs them changed yet.
/// </summary>
public static class PeopleLimits
{
    /// <summary>A <c>users</c> page without <c>limit</c>.</summary>
    public const int UsersPageDefault = 20;

    /// <summary>The largest <c>users</c> page.</summary>
    public const int UsersPageMax = 100;

    /// <summary>The longest <c>users</c> prefix: no name is longer.</summary>
    public const int MaxPrefixChars = Model.Names.MaxLength;

    /// <summary>The longest display name, in Unicode scalar values.</summary>
    public const int MaxDisplayNameChars = 64;

    /// <summary>The longest status text, in Unicode scalar values.</summary>
    public const int MaxStatusChars = 140;
}
