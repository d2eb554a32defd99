using System.Buffers;
using System.Globalization;
using System.Text;

namespace Parley.Peer;

/// <summary>
/// Makes received text safe to print: a peer must not be able to move the cursor, clear the screen,
/// retitle the window, forge a second line or reorder text with bidirectional controls. Every control
/// character (C0, DEL, C1 — which covers ESC and the one-byte CSI U+009B), line and paragraph separators
/// and bidirectional formatting characters are shown as visible escapes: ESC as <c>\x1b</c>, U+202E as
/// <c>\u202e</c>. Invalid UTF-16 (a lone surrogate) becomes U+FFFD. Everything else is left alone.
/// </summary>
public static class TerminalText
{
    public static string Neutralise(string text)
    {
        if (IsSafe(text))
            return text;
        var builder = new StringBuilder(text.Length + 16);
        foreach (var rune in text.EnumerateRunes())
        {
            if (!IsUnsafe(rune))
                builder.Append(rune.ToString());
            else if (rune.Value <= 0xFF)
                builder.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}");
            else
                builder.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}");
        }
        return builder.ToString();
    }

    /// <summary>True if <paramref name="text"/> prints exactly as it is.</summary>
    public static bool IsSafe(string text)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != OperationStatus.Done || IsUnsafe(rune))
                return false;
            rest = rest[used..];
        }
        return true;
    }

    private static bool IsUnsafe(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => true,
        UnicodeCategory.Format => IsBidiControl(rune.Value),
        _ => false,
    };

    // ALM, LRM, RLM, LRE..RLO, LRI..PDI. Other format characters (the zero-width joiner in emoji) are harmless.
    private static bool IsBidiControl(int value) =>
        value is 0x061C or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069);
}
