namespace Parley.Core.Model;

/// <summary>A user as the directory and <c>profile</c> show it: its profile and whether it is online (on any node).</summary>
public sealed record PersonInfo(string User, bool Online, string? Display, string? Status)
{
    /// <summary>Whether the user asking blocks this one (only in a <c>profile</c> reply).</summary>
    public bool Blocked { get; init; }
}
