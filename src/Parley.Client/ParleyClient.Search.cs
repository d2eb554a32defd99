using Parley.Client.Model;

namespace Parley.Client;

public sealed partial class ParleyClient
{
    /// <summary>
    /// Messages holding <paramref name="text"/> (a substring, case-insensitive), newest first: in
    /// <paramref name="target"/> when given, else in every room the user is in and every direct
    /// conversation it has. <paramref name="before"/> is the <see cref="SearchPage.Next"/> of the
    /// page before. Found messages are not counted as seen: a search is not a catch-up.
    /// </summary>
    public async Task<SearchPage> SearchAsync(string text, Target? target = null, string? before = null, int? limit = null,
        CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync("search", w =>
        {
            w.WriteString("text", text);
            if (target is { } t)
                Frames.WriteTarget(w, t, "with");
            if (before is not null)
                w.WriteString("before", before);
            if (limit is not null)
                w.WriteNumber("limit", limit.Value);
        }, cancellationToken).ConfigureAwait(false);
        return new SearchPage(reply.GetProperty("messages").EnumerateArray().Select(ReadMessage).ToList(), reply.GetProperty("more").GetBoolean(),
            Frames.OptionalString(reply, "next"));
    }
}
