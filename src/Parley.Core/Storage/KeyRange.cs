namespace Parley.Core.Storage;

/// <summary>Ranges of keys by prefix, for stores that read a sorted index (SQLite's primary key, a Redis sorted set by lex).</summary>
public static class KeyRange
{
    /// <summary>
    /// The least string greater than every string that starts with <paramref name="prefix"/>, in
    /// UTF-8 byte order (SQLite's BINARY collation, Redis's lex order): the prefix with its last
    /// character raised by one. Null for "" and when the last character has no next one in that
    /// order (a surrogate, U+FFFF): the caller then reads on and stops at the first key that does
    /// not start with the prefix.
    /// </summary>
    public static string? PrefixEnd(string prefix)
    {
        if (prefix.Length == 0)
            return null;
        var last = prefix[^1];
        if (char.IsSurrogate(last) || last == char.MaxValue || char.IsSurrogate((char)(last + 1)))
            return null;
        return string.Concat(prefix.AsSpan(0, prefix.Length - 1), ((char)(last + 1)).ToString());
    }
}
