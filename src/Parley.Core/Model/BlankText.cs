using System.Text;

namespace Parley.Core.Model;

/// <summary>
/// Text that shows nothing: only Unicode White_Space (U+3000 ideographic space among it) and
/// characters that render as nothing (Default_Ignorable_Code_Point: zero-width spaces and joiners,
/// the word joiner, a byte-order mark, Hangul fillers, variation selectors, tags), plus the braille
/// blank, which renders as a space and is used as padding where spaces are refused. A message of
/// only these would show as an empty bubble, so it counts as empty.
/// </summary>
public static class BlankText
{
    public static bool IsBlank(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (!Rune.IsWhiteSpace(rune) && !ShowsNothing(rune.Value))
                return false;
        }
        return true;
    }

    // Unicode 16's Default_Ignorable_Code_Point ranges, and U+2800 BRAILLE PATTERN BLANK.
    private static bool ShowsNothing(int c) => c switch
    {
        0x00AD or 0x034F or 0x061C or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x2800 or 0x3164 or 0xFEFF or 0xFFA0 => true,
        >= 0x180B and <= 0x180F => true,
        >= 0x200B and <= 0x200F => true,
        >= 0x202A and <= 0x202E => true,
        >= 0x2060 and <= 0x206F => true,
        >= 0xFE00 and <= 0xFE0F => true,
        >= 0xFFF0 and <= 0xFFF8 => true,
        >= 0x1BCA0 and <= 0x1BCA3 => true,
        >= 0x1D173 and <= 0x1D17A => true,
        >= 0xE0000 and <= 0xE0FFF => true,
        _ => false,
    };
}
