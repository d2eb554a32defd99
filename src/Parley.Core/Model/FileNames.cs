using System.Text;

namespace Parley.Core.Model;

/// <summary>What an uploaded file is called: the name the uploader gave, made safe to show and to save.</summary>
public static class FileNames
{
    /// <summary>Longest name kept, in characters (a longer one keeps its end, where the extension is).</summary>
    public const int MaxChars = 200;

    /// <summary>
    /// The last part of <paramref name="given"/> (no folders), with <c>_</c> for control and
    /// format characters (which could turn "photo‮gpj.exe" around on screen) and for characters not
    /// allowed in a file name somewhere (<c>: * ? " &lt; &gt; |</c>), at most <see cref="MaxChars"/>
    /// characters; "file" + <paramref name="extension"/> when nothing is left.
    /// </summary>
    public static string Clean(string? given, string extension)
    {
        var name = given ?? "";
        name = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        var clean = new StringBuilder(Math.Min(name.Length, MaxChars + 1));
        foreach (var rune in name.EnumerateRunes())
        {
            if (Rune.IsControl(rune) || Rune.GetUnicodeCategory(rune) == System.Globalization.UnicodeCategory.Format
                || rune.Value is ':' or '*' or '?' or '"' or '<' or '>' or '|')
                clean.Append('_');
            else
                clean.Append(rune.ToString());
        }
        var result = clean.ToString().Trim().Trim('.');
        if (result.Length == 0)
            return "file" + extension;
        var runes = result.EnumerateRunes().ToArray();
        return runes.Length > MaxChars ? string.Concat(runes[^MaxChars..].Select(r => r.ToString())) : result;
    }
}
