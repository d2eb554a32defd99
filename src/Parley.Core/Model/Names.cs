namespace Parley.Core.Model;

/// <summary>
/// The one rule for user and room names, enforced by every adapter through the hub.
/// A name is 1–32 ASCII characters: a letter first, then letters, digits, '_' or '-'.
/// Starting with a letter keeps every name a legal IRC nick and channel name.
/// Names are unique ignoring case; the key is the lower-case form.
/// </summary>
public static class Names
{
    public const int MaxLength = 32;

    /// <summary>The rule in words, for error messages.</summary>
    public const string Rule = "1-32 letters, digits, '_' or '-', starting with a letter";

    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || !char.IsAsciiLetter(name[0]))
            return false;
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-')
                return false;
        }
        return true;
    }

    /// <summary>The case-insensitive identity of a valid name.</summary>
    public static string Key(string name) => name.ToLowerInvariant();
}
