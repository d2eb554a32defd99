namespace Parley.Core.Storage;

/// <summary>A message's mentions as the stores keep them, one text: the names separated by spaces, <c>*</c> first for <c>@all</c>.</summary>
public static class StoredMentions
{
    /// <summary>Null when the message mentions no one.</summary>
    public static string? Encode(IReadOnlyList<string>? mentions, bool all)
    {
        if (mentions is null && !all)
            return null;
        IEnumerable<string> names = mentions ?? [];
        return string.Join(' ', all ? names.Prepend("*") : names);
    }

    public static (IReadOnlyList<string>? Names, bool All) Decode(string? text)
    {
        var words = text?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var all = words is ["*", ..];
        var names = all ? words[1..] : words;
        return (names.Length > 0 ? names : null, all);
    }
}
