namespace Parley.Core.Model;

/// <summary>
/// What a search looks for, and how a text is matched when a store scans instead of using an
/// index: a substring, case-insensitive (ordinal, each character's simple case mapping, as
/// SQLite's trigram tokenizer folds it), with no tokenizing, so 你好 is found inside 你好世界.
/// </summary>
public static class SearchText
{
    /// <summary>Longest text a search takes, in characters (Unicode scalar values).</summary>
    public const int MaxChars = 100;

    /// <summary>
    /// Shorter texts (1 or 2 characters) cannot use SQLite's trigram index: they are looked for
    /// by a scan of each conversation's newest <see cref="ScanWindow"/> messages instead.
    /// </summary>
    public const int IndexedMinChars = 3;

    /// <summary>How many of each conversation's newest messages a scan looks at (see <see cref="IndexedMinChars"/>; with Redis, every search).</summary>
    public const int ScanWindow = 2000;

    /// <summary>A message a search may find: said by a user (not a system line), and not removed.</summary>
    public static bool Searchable(StoredMessage message) => !message.IsSystem && message.Text.Length > 0;

    public static bool Matches(StoredMessage message, string text) =>
        Searchable(message) && message.Text.Contains(text, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the text is short enough that the trigram index cannot find it.</summary>
    public static bool IsShort(string text) => !TextLength.Exceeds(text, IndexedMinChars - 1);
}
