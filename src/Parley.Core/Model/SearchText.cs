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
    /// by a scan of each conversation's newest messages instead (<see cref="ScanWindow"/>).
    /// </summary>
    public const int IndexedMinChars = 3;

    /// <summary>Messages one scan looks at in all, shared evenly by the conversations searched (at about 1 µs a message).</summary>
    public const int ScanBudget = 10_000;

    /// <summary>Each conversation's share of a scan, whatever the number of conversations.</summary>
    public const int ScanWindowMin = 200;

    /// <summary>
    /// How many of each conversation's newest messages a scan of <paramref name="conversations"/>
    /// conversations looks at (SQLite for texts under <see cref="IndexedMinChars"/>; Redis for
    /// every text): <see cref="ScanBudget"/> shared evenly, at least <see cref="ScanWindowMin"/>
    /// each. So one conversation is searched back 10,000 messages, fifty 200 each.
    /// </summary>
    public static int ScanWindow(int conversations) => Math.Max(ScanWindowMin, ScanBudget / Math.Max(conversations, 1));

    /// <summary>A message a search may find: said by a user (not a system line), and not removed.</summary>
    public static bool Searchable(StoredMessage message) => !message.IsSystem && message.Text.Length > 0;

    public static bool Matches(StoredMessage message, string text) =>
        Searchable(message) && message.Text.Contains(text, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the text is short enough that the trigram index cannot find it.</summary>
    public static bool IsShort(string text) => !TextLength.Exceeds(text, IndexedMinChars - 1);
}
