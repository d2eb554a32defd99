namespace Parley.Core.Model;

/// <summary>A page of the user directory, by login name; <paramref name="Next"/> is the cursor of the next page, null on the last.</summary>
public sealed record DirectoryPage(IReadOnlyList<PersonInfo> Users, string? Next);
