namespace Parley.Protocol.Irc;

/// <summary>
/// Checks on message text made in the IRC adapter. <see cref="IsBlank"/> lives here until the
/// core has a shared check for blank text (the native protocol is to refuse it with
/// <c>empty_text</c>); then this should call that one, so every wire agrees on what "blank" is.
/// </summary>
internal static class IrcText
{
    /// <summary>
    /// True when the text shows nothing: empty, or only Unicode White_Space (which is what
    /// <see cref="char.IsWhiteSpace(char)"/> tests, U+3000 ideographic space included) and the
    /// zero-width characters used as padding (U+200B, U+200C, U+200D, U+2060, U+FEFF). No
    /// White_Space or zero-width character is outside the BMP, so a surrogate is never blank.
    /// </summary>
    public static bool IsBlank(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c) && c is not ('\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF'))
                return false;
        }
        return true;
    }
}
