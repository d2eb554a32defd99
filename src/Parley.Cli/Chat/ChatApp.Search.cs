using Parley.Peer;

namespace Parley.Cli.Chat;

/// <summary><c>/search TEXT</c>: hits in every conversation of the user, newest first, a page at a time.</summary>
public sealed partial class ChatApp
{
    private const int SearchPage = 20;

    /// <summary>The text of the last search and the cursor of its next page, for <c>/search more</c>.</summary>
    private (string Text, string Next)? _searchNext;

    private async Task<bool> Search(string args)
    {
        var text = args;
        string? before = null;
        if (args.Equals("more", StringComparison.OrdinalIgnoreCase) && _searchNext is { } next)
            (text, before) = next;
        if (text.Trim().Length == 0)
        {
            Failures++;
            view.Print(format.Error($"usage: {Commands["search"].Usage}"));
            return true;
        }
        var page = await client.SearchAsync(text, before: before, limit: SearchPage);
        _searchNext = page.More && page.Next is { } cursor ? (text, cursor) : null;
        if (page.Messages.Count == 0)
        {
            view.Print(format.Info(before is null ? $"no message holds '{TerminalText.Neutralise(text)}'" : "no older messages"));
            return true;
        }
        // Oldest first on screen, as history is, so the newest hit is nearest the input line.
        for (var i = page.Messages.Count - 1; i >= 0; i--)
            view.Print(format.SearchHit(page.Messages[i], text));
        if (_searchNext is not null)
            view.Print(format.Info("/search more for older ones"));
        return true;
    }
}
