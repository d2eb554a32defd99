using Parley.Core.Model;

namespace Parley.Core.Storage;

/// <summary>
/// Reactions as the stores keep them, one text: a line per emoji, the emoji, a tab, then its
/// users separated by spaces (neither can hold a tab, a newline or a space). The Redis store's
/// scripts edit the same form in Lua.
/// </summary>
public static class StoredReactions
{
    public static string Encode(IReadOnlyList<Reaction> reactions) =>
        string.Join('\n', reactions.Select(r => r.Emoji + "\t" + string.Join(' ', r.Users)));

    public static IReadOnlyList<Reaction> Decode(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return [];
        var reactions = new List<Reaction>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t');
            if (tab <= 0)
                continue;
            var users = line[(tab + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (users.Length > 0)
                reactions.Add(new Reaction(line[..tab], users));
        }
        return reactions;
    }

    /// <summary>The reactions after <paramref name="change"/>; null when it changes nothing (or would add an emoji past the limit).</summary>
    public static IReadOnlyList<Reaction>? Apply(IReadOnlyList<Reaction> reactions, ReactChange change)
    {
        var at = reactions.ToList().FindIndex(r => r.Emoji == change.Emoji);
        if (at < 0)
        {
            if (!change.On || reactions.Count >= change.MaxEmojis)
                return null;
            return [.. reactions, new Reaction(change.Emoji, [change.User])];
        }
        var users = reactions[at].Users;
        var has = users.Contains(change.User, StringComparer.OrdinalIgnoreCase);
        if (has == change.On)
            return null;
        var after = reactions.ToList();
        var others = users.Where(u => !string.Equals(u, change.User, StringComparison.OrdinalIgnoreCase)).ToList();
        if (change.On)
            after[at] = reactions[at] with { Users = [.. users, change.User] };
        else if (others.Count == 0)
            after.RemoveAt(at);
        else
            after[at] = reactions[at] with { Users = others };
        return after;
    }
}
