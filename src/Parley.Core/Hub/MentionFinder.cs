using Parley.Core.Model;

namespace Parley.Core.Hub;

/// <summary>
/// Finds who a text calls by <c>@name</c>: a name (<see cref="Names"/>) right after an <c>@</c>
/// that does not follow a letter or digit (so <c>bob@example.org</c> calls nobody). Only names
/// of people who can read the message count, as their display names, each once.
/// </summary>
internal static class MentionFinder
{
    public const string All = "all";

    /// <summary>
    /// The users called, and whether <c>@all</c> was (when <paramref name="allowAll"/>, else it
    /// calls a user named "all" if there is one). <paramref name="nameOf"/> gives the display name
    /// of a user key who can read the message, or null.
    /// </summary>
    public static (IReadOnlyList<string>? Users, bool All) Find(string text, Func<string, string?> nameOf, bool allowAll)
    {
        // Most messages call nobody: one scan for '@', no allocation.
        var at = text.IndexOf('@');
        if (at < 0)
            return (null, false);
        List<string>? users = null;
        var all = false;
        for (; at >= 0 && at < text.Length; at = text.IndexOf('@', at + 1))
        {
            // After a name character it is an address (bob@example.org); after anything else,
            // CJK text included ("谢谢@bob"), a mention.
            if (at > 0 && (char.IsAsciiLetterOrDigit(text[at - 1]) || text[at - 1] is '_' or '-' or '.'))
                continue;
            var end = at + 1;
            while (end < text.Length && end - at - 1 < Names.MaxLength && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '_' or '-'))
                end++;
            var name = text[(at + 1)..end];
            // A longer run is no name; '.' or ',' after a name ends it.
            if (!Names.IsValid(name) || (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '_' or '-')))
                continue;
            if (allowAll && string.Equals(name, All, StringComparison.OrdinalIgnoreCase))
            {
                all = true;
                continue;
            }
            if (nameOf(Names.Key(name)) is { } user && !(users?.Contains(user) ?? false))
                (users ??= []).Add(user);
        }
        return (users, all);
    }
}
