namespace Parley.Core.Model;

/// <summary>
/// Limits count characters as people do (Unicode scalar values: an emoji is one), not UTF-16
/// units, for message text, topics and passwords alike.
/// </summary>
public static class TextLength
{
    public static bool IsWithin(string text, int minChars, int maxChars) =>
        !Exceeds(text, maxChars) && (minChars <= 0 || Exceeds(text, minChars - 1));

    public static bool Exceeds(string text, int maxChars)
    {
        if (text.Length <= maxChars)
            return false;
        // Every scalar value takes one or two UTF-16 units, so only this range needs counting.
        return text.Length > 2 * maxChars || text.EnumerateRunes().Count() > maxChars;
    }
}
