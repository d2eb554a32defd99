namespace Parley.Client.Model;

/// <summary>A user as the directory (<c>users</c>) and <c>profile</c> show it; <see cref="Display"/> and <see cref="Status"/> are null when not set.</summary>
/// <param name="Blocked">Whether this client's user blocks this one (only a <c>profile</c> reply says so).</param>
public sealed record Person(string User, bool Online, string? Display, string? Status, bool Blocked = false)
{
    /// <summary>What to show for the user: its display name, or its login name without one.</summary>
    public string Shown => Display ?? User;
}

/// <summary>A page of the directory; <see cref="Next"/> asks for the next one (null on the last).</summary>
public sealed record PeoplePage(IReadOnlyList<Person> Users, string? Next);
