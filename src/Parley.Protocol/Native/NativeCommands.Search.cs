using Parley.Core.Model;
using Parley.Protocol.Json;

namespace Parley.Protocol.Native;

/// <summary><c>search</c> (docs/protocol.md, "Search").</summary>
internal static partial class NativeCommands
{
    /// <summary>
    /// <c>search {text, room | with (or its alias to), before, limit}</c>: a page of hits, newest
    /// first, as <c>history</c> gives messages, with <c>more</c>, and <c>next</c> (the cursor for
    /// the next page's <c>before</c>) when there is more.
    /// </summary>
    private static async Task<Reply> Search(NativeSession s, JsonRequest r)
    {
        var text = r.String("text");
        // Everywhere, or in one room or direct conversation.
        var (room, with) = r.Conversation(optional: true);
        SearchCursor? before = null;
        if (r.OptionalString("before") is { } cursor && !SearchCursor.TryParse(cursor, out before))
            throw new RequestException(ErrorCodes.BadCursor, "'before' is not the 'next' of a 'search' reply; ask for the first page without it");
        var limit = r.OptionalInteger("limit");
        var page = await s.Hub.SearchAsync(s, text, room, with, before, limit is { } l ? (int)Math.Clamp(l, int.MinValue, int.MaxValue) : null);
        if (!page.Ok)
            return page.Error!;
        return Reply.With(w =>
        {
            JsonWire.WriteMessages(w, page.Value!.Messages, s.Hub.Links);
            w.WriteBoolean("more", page.Value.More);
            if (page.Value.More && page.Value.Messages.Count > 0)
                w.WriteString("next", SearchCursor.Of(page.Value.Messages[^1]).ToString());
        });
    }
}
