using Parley.Core.Model;

namespace Parley.Core.Storage;

/// <summary>Full-text search of messages.</summary>
public partial interface IChatStore
{
    /// <summary>
    /// Messages of <paramref name="conversations"/> whose text holds <paramref name="text"/>
    /// (<see cref="SearchText"/>: a substring, case-insensitive), strictly after
    /// <paramref name="before"/> in the order of hits (newest first), at most
    /// <paramref name="limit"/>. System lines and removed messages are never found. SQLite finds
    /// every stored hit of 3 characters or more through its index; shorter texts, and with Redis
    /// every text, are looked for among each conversation's newest
    /// <see cref="SearchText.ScanWindow"/> messages only (10,000 shared by the conversations).
    /// </summary>
    Task<SearchPage> SearchAsync(IReadOnlyCollection<string> conversations, string text, SearchCursor? before, int limit);
}
