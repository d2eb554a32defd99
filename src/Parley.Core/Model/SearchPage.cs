namespace Parley.Core.Model;

/// <summary>
/// A page of search hits, newest first (<see cref="SearchCursor.NewestFirst"/>); <see cref="More"/>
/// when older hits follow: the next page is asked with the cursor of the last hit.
/// </summary>
public sealed record SearchPage(IReadOnlyList<StoredMessage> Messages, bool More);
