using System.Globalization;
using Parley.Core.Model;
using StackExchange.Redis;

namespace Parley.Storage.Redis;

/// <summary>
/// Search with Redis has no index: each conversation's stream is read newest first
/// (XREVRANGE, <see cref="ScanChunk"/> entries a call), at most its newest
/// <see cref="SearchText.ScanWindow"/> entries (10,000 shared by the conversations, at least 200
/// each), and matched here (<see cref="SearchText.Matches"/>).
/// The conversations are read at once, each stopping early when it has a page and one. Removed
/// messages are not in the stream any more (XDEL), so they are never found; see docs/redis.md.
/// </summary>
public sealed partial class RedisChatStore
{
    private const int ScanChunk = 500;

    public Task<SearchPage> SearchAsync(IReadOnlyCollection<string> conversations, string text, SearchCursor? before, int limit)
    {
        limit = Math.Max(limit, 1);
        return Call(async _ =>
        {
            var window = SearchText.ScanWindow(conversations.Count);
            var found = await Task.WhenAll(conversations.Select(c => ScanAsync(c, text, before, limit + 1, window))).ConfigureAwait(false);
            var hits = found.SelectMany(h => h).ToList();
            hits.Sort(SearchCursor.NewestFirst);
            var more = hits.Count > limit;
            if (more)
                hits.RemoveRange(limit, hits.Count - limit);
            return new SearchPage(hits, more);
        });
    }

    private async Task<List<StoredMessage>> ScanAsync(string conversation, string text, SearchCursor? before, int count, int window)
    {
        var hits = new List<StoredMessage>();
        long? older = null;
        // History pages, not the bare stream: a message changed since it was sent (edited, reacted
        // to) has left the stream for the conversation's revised hash, and pages put it back.
        for (var read = 0; read < window && hits.Count < count;)
        {
            var page = await HistoryAsync(conversation, older, Math.Min(ScanChunk, window - read)).ConfigureAwait(false);
            foreach (var message in page.Messages)
            {
                if ((before is null || before.Precedes(message)) && SearchText.Matches(message, text))
                {
                    hits.Add(message);
                    if (hits.Count == count)
                        break;
                }
            }
            read += page.Messages.Count;
            if (!page.More || page.Messages.Count == 0)
                break;
            older = page.Messages[^1].Seq;
        }
        return hits;
    }
}
